"""A catalogue of bad (and oddly written but valid) inputs to `mtst train --dry-run`, each run in this process: does
every bad one get one clear line (exit 2, no traceback, naming where), every valid one exit 0, and is the output folder
left as it was? Prints one row per case and a count; exit 1 if any case fails.

    python tools/bad_inputs.py            # about 20 s: nothing is trained (--dry-run)
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HF_HUB_OFFLINE", "1")

BASE = """backbone: sentence-transformers/all-MiniLM-L6-v2
max_length: 64
output_dir: run
tasks:
  - name: topic
    kind: sequence
    format: jsonl
    train: train.jsonl
    validation: validation.jsonl
    label_column: topic
  - name: ner
    kind: token
    format: jsonl
    train: train.jsonl
    validation: validation.jsonl
    span_column: entities
training:
  epochs: 1
  batch_size: 8
  lr: 1.0e-4
"""


def rows(split: str, n: int) -> list[str]:
    return (ROOT / "data" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()[:n]


def case(name, config=BASE, files=None, expect="error", says=(), args=()):
    "expect: 'error' (exit 2 with one line containing every string of `says`) or 'ok' (exit 0)."
    return dict(name=name, config=config, files=files or {}, expect=expect, says=says, args=list(args))


def cases():
    t, v = "\n".join(rows("train", 40)) + "\n", "\n".join(rows("validation", 12)) + "\n"
    good = {"train.jsonl": t, "validation.jsonl": v}
    yield case("valid: the base config", files=good, expect="ok")
    # --- odd YAML
    yield case("YAML indented with a tab", BASE.replace("  epochs: 1", "\tepochs: 1"), good, says=["config.yaml:", "tab"])
    yield case("valid: anchors, aliases and a merge key", BASE.replace("  - name: topic\n    kind: sequence\n    format: jsonl\n",
               "  - &common\n    name: topic\n    kind: sequence\n    format: jsonl\n").replace(
               "  - name: ner\n    kind: token\n    format: jsonl\n", "  - <<: *common\n    name: ner\n    kind: token\n"), good, expect="ok")
    yield case("valid: CRLF line endings", BASE.replace("\n", "\r\n"), good, expect="ok")
    yield case("valid: a UTF-8 byte-order mark", "\ufeff" + BASE, good, expect="ok")
    yield case("valid: numbers written as strings ('1', '1e-4')", BASE.replace("epochs: 1", "epochs: '1'").replace("lr: 1.0e-4", "lr: '1e-4'"),
               good, expect="ok")
    yield case("a number where text is expected (name: 3)", BASE.replace("name: topic", "name: 3"), good, says=["name"])
    yield case("empty config file", "", good, says=["config.yaml"])
    yield case("config that is a list", "- backbone: x\n", good, says=["config.yaml"])
    yield case("tasks: with no entry", BASE.split("tasks:")[0] + "tasks:\ntraining:\n  epochs: 1\n", good, says=["tasks"])
    yield case("training: left empty (null)", BASE.split("training:")[0] + "training:\n", good, expect="ok")
    yield case("an alias to an undefined anchor", BASE.replace("epochs: 1", "epochs: *nowhere"), good, says=["config.yaml:", "nowhere"])
    # --- files: empty, interrupted, binary, huge
    yield case("empty training file", files={**good, "train.jsonl": ""}, says=["train.jsonl"])
    yield case("training file of blank lines", files={**good, "train.jsonl": "\n\n  \n"}, says=["train.jsonl"])
    yield case("interrupted write: last line cut", files={**good, "train.jsonl": t + rows("train", 41)[-1][:25]},
               says=["train.jsonl:41"])
    yield case("binary training file", files={**good, "train.jsonl": bytes(range(256)) * 4}, says=["train.jsonl"])
    yield case("training file is a folder", files={"validation.jsonl": v, "train.jsonl/": None}, says=["train.jsonl"])
    yield case("a JSONL line that is a list", files={**good, "train.jsonl": t + "[1, 2]\n"}, says=["train.jsonl:41"])
    yield case("valid: one sentence of 200,000 characters", files={**good, "train.jsonl": t + json.dumps(
               {"text": "word " * 40000, "topic": json.loads(rows("train", 1)[0])["topic"]}) + "\n"}, expect="ok")
    yield case("an entity span past the end of its text", files={**good, "train.jsonl": t + json.dumps(
               {"text": "short", "entities": [{"start": 0, "end": 50, "label": "STORE"}]}) + "\n"}, says=["train.jsonl:41"])
    # --- label sets that change between splits
    first = json.loads(rows("validation", 1)[0])
    yield case("validation label never seen in training", files={**good, "validation.jsonl": v + json.dumps(
               {**first, "topic": "weather"}) + "\n"}, says=["validation.jsonl:13", "weather"])
    yield case("validation entity type never seen in training", files={**good, "validation.jsonl": v + json.dumps(
               {"text": "Paris is big", "entities": [{"start": 0, "end": 5, "label": "CITY"}]}) + "\n"},
               says=["validation.jsonl:13", "CITY"])
    # --- the output folder
    yield case("valid: output folder holds other files (kept; the run adds its own)", files={**good, "run/notes.txt": "mine"}, expect="ok")
    yield case("another run is writing into the output folder (its lock)", files={**good, "run/.mtst-run.lock": f"{os.getppid()} {__import__('socket').gethostname()}\n"}, says=["another mtst run", "run"])
    yield case("valid: a lock left by a dead process", files={**good, "run/.mtst-run.lock": f"{2**22 + 12345} {__import__('socket').gethostname()}\n"}, expect="ok")
    yield case("output folder is a file", files={**good, "run": "x"}, says=["run"])


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))}


def run(c: dict) -> tuple[bool, str]:
    from mtst import cli
    work = Path(tempfile.mkdtemp(prefix="mtst_bad_"))
    try:
        (work / "config.yaml").write_bytes(c["config"].encode("utf-8"))
        for name, content in c["files"].items():
            p = work / name
            if content is None: p.mkdir(parents=True, exist_ok=True); continue
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        before = snapshot(work)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try: code = cli.main(["train", str(work / "config.yaml"), "--dry-run", *c["args"]])
            except SystemExit as e: code = e.code
            except Exception as e: code, _ = "crash", err.write(f"{type(e).__name__}: {e}")
        lines = [l for l in err.getvalue().splitlines() if l.strip() and not l.startswith(("Warning", "warning"))
                 and "DataWarning" not in l and "warnings.warn" not in l and not l.lstrip().startswith(("ex =", "return", "File"))]
        said = lines[-1] if lines else out.getvalue().strip().splitlines()[-1:][0] if out.getvalue().strip() else ""
        untouched = snapshot(work) == before
        if c["expect"] == "ok": ok = code == 0 and untouched
        else:
            ok = (code == 2 and len(lines) == 1 and "Traceback" not in err.getvalue() and untouched
                  and all(s.lower() in said.lower() for s in c["says"]))
        return ok, f"exit {code}, {'untouched' if untouched else 'FOLDER CHANGED'}: {said[:220]}"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    results = [(c["name"], *run(c)) for c in cases()]
    for name, ok, said in results: print(f"[{'ok' if ok else 'FAIL'}] {name}\n       {said}")
    bad = [n for n, ok, _ in results if not ok]
    print(f"\n{len(results) - len(bad)} of {len(results)} cases answered as expected" + (f"; failing: {bad}" if bad else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
