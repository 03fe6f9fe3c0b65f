"""Run the course notebooks headless with papermill.

One module serves both commands in the README:
* the tests (`tests/test_notebooks.py`) run every notebook with its *smoke* parameters, the values
  written as `# smoke: <value>` comments in its `parameters` cell;
* the main job (`make course`, i.e. `python tools/nbrun.py`) runs every notebook with its default
  parameters into an output folder, then writes a summary of each notebook's key results.

Notebooks are discovered, never listed: every `nbs/*.ipynb` not starting with `_`, in name order
(so `index.ipynb`, which shows the results table, runs last).
"""
from __future__ import annotations

import argparse
import ast
import configparser
import functools
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"
SMOKE = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*=.*#\s*smoke:\s*(?P<value>.+?)\s*$")
BADGE_IMG = "https://colab.research.google.com/assets/colab-badge.svg"


def notebooks(folder: Path = NBS) -> list[Path]:
    "Every notebook of the course, in name order."
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith(("_", ".")))


def parameters_cell(nb_path: Path):
    "The cell tagged `parameters`; a notebook without exactly one is an error."
    nb = nbformat.read(nb_path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"{nb_path.name}: expected exactly one cell tagged 'parameters', found {len(cells)}")
    return cells[0]


def smoke_parameters(nb_path: Path) -> dict:
    "The tiny-run values written as `name = default  # smoke: value` in the parameters cell."
    params = {}
    for i, line in enumerate(parameters_cell(nb_path).source.splitlines(), 1):
        if m := SMOKE.match(line):
            try: params[m["name"]] = ast.literal_eval(m["value"])
            except (ValueError, SyntaxError) as e:
                raise ValueError(f"{nb_path.name}: parameters cell line {i}: smoke value {m['value']!r} "
                                 f"is not a Python literal ({e})") from None
    return params


def settings() -> configparser.SectionProxy:
    cfg = configparser.ConfigParser(delimiters=["="])
    cfg.read(ROOT / "settings.ini", encoding="utf-8")
    return cfg["DEFAULT"]


def colab_url(nb_name: str, cfg=None) -> str:
    cfg = cfg or settings()
    return f"https://colab.research.google.com/github/{cfg['user']}/{cfg['repo']}/blob/{cfg['branch']}/nbs/{nb_name}"


def colab_badge(nb_name: str, cfg=None) -> str:
    return f"[![Open In Colab]({BADGE_IMG})]({colab_url(nb_name, cfg)})"


def clone_url(cfg=None) -> str:
    cfg = cfg or settings()
    return f"https://github.com/{cfg['user']}/{cfg['repo']}"


_BADGE_RE = re.compile(r"\[!\[Open In Colab\]\([^)]*\)\]\(https://colab\.research\.google\.com/github/[^)]*\)")
_CLONE_RE = re.compile(r"https://github\.com/[\w.-]+/[\w.-]+(?= /content/)")


def sync_links(nb_path: Path, cfg=None, write: bool = True) -> bool:
    """Rewrite the Colab badges and the Colab install cell's clone URL from settings.ini.
    Returns True if anything changed (written only if `write`)."""
    cfg = cfg or settings()
    nb = nbformat.read(nb_path, as_version=4)
    changed = False
    for c in nb.cells:
        new = _BADGE_RE.sub(lambda m: colab_badge(m[0].rsplit("/nbs/", 1)[1].rstrip(")"), cfg), c.source)
        new = _CLONE_RE.sub(clone_url(cfg), new)
        if new != c.source: c.source, changed = new, True
    if changed and write: nbformat.write(nb, nb_path)
    return changed


def execute(nb_path: Path, out_path: Path, parameters: dict, results_dir: Path, timeout: int = 1800):
    "Execute one notebook with papermill (cwd = nbs/, IN_TEST=1 so `nbdev_export()` is inert)."
    import papermill as pm
    env = {"IN_TEST": "1", "MTST_RESULTS_DIR": str(results_dir), "MTST_NOTEBOOK": nb_path.stem,
           "HF_HUB_DISABLE_PROGRESS_BARS": "1", "TOKENIZERS_PARALLELISM": "false",
           # OpenMP threads spin ~10k rounds, then sleep: alone, nearly the speed of spinning (OMP_WAIT_POLICY=PASSIVE made
           # training 1.2-1.35x slower here); beside other processes (the course's 2-process demos), no core starved
           "GOMP_SPINCOUNT": os.environ.get("GOMP_SPINCOUNT", "10000")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        pm.execute_notebook(str(nb_path), str(out_path), parameters=parameters or None,
                            kernel_name="python3", cwd=str(nb_path.parent), progress_bar=False,
                            execution_timeout=timeout)
    finally:
        for k, v in old.items():
            if v is None: os.environ.pop(k, None)
            else: os.environ[k] = v


def peak_rss_mb() -> float:
    "Peak resident memory of this process and of its finished children (the notebook kernels), MB."
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def load_results(results_dir: Path) -> list[dict]:
    f = Path(results_dir) / "results.jsonl"
    return [json.loads(l) for l in f.read_text(encoding="utf-8").splitlines() if l.strip()] if f.exists() else []


def fmt(v) -> str:
    if isinstance(v, float): return f"{v:.4g}" if abs(v) < 1e4 else f"{v:,.0f}"
    return str(v)


def summary_markdown(runs: list[dict], results: list[dict]) -> str:
    "The main job's summary: one table of notebook run times, one of every recorded key result."
    lines = ["| notebook | status | seconds |", "|---|---|---|"]
    lines += [f"| `{r['notebook']}` | {r['status']} | {r['seconds']:.1f} |" for r in runs]
    return "\n".join(lines) + "\n\n" + results_table(results)


def run_course(out: Path, smoke: bool = False, only: str | None = None, skip_done: bool = False) -> int:
    """Execute every notebook into `out` (never touching nbs/), print progress, write summary.md/json.
    `skip_done`: keep the notebooks that already ran ok in `out` (and their results), run only the others."""
    out.mkdir(parents=True, exist_ok=True)
    done, before = {}, {"total_seconds": 0.0, "peak_rss_mb": 0.0}
    if skip_done and (out / "summary.json").exists():
        before = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        done = {r["notebook"]: r for r in before["runs"] if r["status"] == "ok"}
    kept = [r for r in load_results(out) if r.get("notebook") in done] if done else []
    (out / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in kept), encoding="utf-8")
    nbs = [p for p in notebooks() if (not only or re.search(only, p.name)) and p.stem not in done]
    if done: print(f"kept {len(done)} notebooks that already ran ok in {out}", flush=True)
    runs, t_all = [], time.perf_counter()
    for i, nb in enumerate(nbs, 1):
        params = smoke_parameters(nb) if smoke else {}
        print(f"[{i}/{len(nbs)}] {nb.name} {'(smoke) ' if smoke else ''}...", flush=True)
        t0, status = time.perf_counter(), "ok"
        try: execute(nb, out / nb.name, params, out)
        except Exception as e:
            status = "FAILED"
            print(f"    FAILED: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", flush=True)
        runs.append({"notebook": nb.stem, "status": status, "seconds": time.perf_counter() - t0})
        print(f"    {status} in {runs[-1]['seconds']:.1f} s", flush=True)
    order = [p.stem for p in notebooks()]
    runs = sorted([*done.values(), *runs], key=lambda r: order.index(r["notebook"]) if r["notebook"] in order else len(order))
    # the kept notebooks count with their own seconds (not the earlier run's whole total, which also holds the time of
    # the notebooks run again now)
    total = time.perf_counter() - t_all + sum(r["seconds"] for r in done.values())
    peak = max(peak_rss_mb(), before["peak_rss_mb"] if done else 0.0)
    results = load_results(out)
    (out / "summary.md").write_text(summary_markdown(runs, results), encoding="utf-8")
    (out / "summary.json").write_text(json.dumps({"runs": runs, "results": results, "total_seconds": total,
                                                  "peak_rss_mb": peak}, indent=1), encoding="utf-8")
    print(f"\n{sum(r['status'] == 'ok' for r in runs)}/{len(runs)} notebooks ok in {total:.0f} s; "
          f"peak memory {peak:.0f} MB; summary: {out / 'summary.md'}")
    return 0 if all(r["status"] == "ok" for r in runs) else 1


README_START, README_END = "<!-- results:start -->", "<!-- results:end -->"


@functools.lru_cache(maxsize=1)
def machine_paths() -> list[tuple[str, str]]:
    """(absolute path of the build machine, what stored outputs say instead), longest first: site-packages, the data
    folder, the repository, the temporary folder."""
    import site
    import tempfile
    from mtst.sources import real_data_dir
    pairs = [(str(Path(p)), "<site-packages>") for p in site.getsitepackages()]
    if (d := real_data_dir()) is not None: pairs.append((str(Path(d).resolve()), "$MTST_DATA_DIR"))
    pairs += [(str(ROOT), "<repo>"), (str(Path(tempfile.gettempdir()).resolve()), "<tmp>")]
    return sorted([(a, b) for a, b in pairs if a and a != "/"], key=lambda p: -len(p[0]))


def _portable_output(o) -> None:
    "Replace the build machine's absolute paths in one stored output (stream text, text/plain, text/markdown, errors)."
    def fix(v):
        if isinstance(v, list): return [fix(x) for x in v]
        if not isinstance(v, str): return v
        for path, name in machine_paths(): v = v.replace(path, name)
        return v
    if "text" in o: o["text"] = fix(o["text"])
    for k in ("text/plain", "text/markdown", "text/html"):
        if k in o.get("data", {}): o["data"][k] = fix(o["data"][k])
    if "traceback" in o: o["traceback"] = fix(o["traceback"])
    if "evalue" in o: o["evalue"] = fix(o["evalue"])


def refresh(out: Path, readme: bool = True) -> None:
    """Maintainer step after a full `run_course`: copy the executed notebooks back into nbs/ (so the
    committed notebooks carry the outputs of a real run), clean them, and update README's table."""
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    if any(r["status"] != "ok" for r in summary["runs"]):
        raise SystemExit(f"{out}: not every notebook ran ok; refusing to copy outputs into nbs/")
    for r in summary["runs"]:
        nb = nbformat.read(out / f"{r['notebook']}.ipynb", as_version=4)
        nb.metadata.pop("papermill", None)
        for c in nb.cells:
            c.metadata.pop("papermill", None); c.metadata.pop("execution", None)
            if not c.metadata.get("tags"): c.metadata.pop("tags", None)  # papermill adds empty ones
            for o in c.get("outputs", []): _portable_output(o)
        nbformat.write(nb, NBS / f"{r['notebook']}.ipynb")
    subprocess.run([str(Path(sys.executable).parent / "nbdev_clean")], cwd=ROOT, check=True)  # the venv's, PATH or not
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    full = {r["notebook"] for r in summary["runs"]} == {p.stem for p in notebooks()}
    if readme and full and README_START in text:
        head, rest = text.split(README_START, 1)
        tail = rest.split(README_END, 1)[1]
        table = (summary_markdown(summary["runs"], summary["results"]) +
                 f"\nWhole run: {summary['total_seconds']:.0f} s, peak memory {summary['peak_rss_mb']:.0f} MB, "
                 f"all notebooks with their default parameters.\n")
        (ROOT / "README.md").write_text(f"{head}{README_START}\n{table}{README_END}{tail}", encoding="utf-8")
    print(f"copied {len(summary['runs'])} executed notebooks into nbs/" + (" and updated README.md" if readme and full else ""))


def results_table(results: list[dict]) -> str:
    """Markdown table of the key results recorded with `mtst.course.tools.record` (used in README and index), then each table
    recorded with `mtst.course.tools.record_table`, under its notebook and key."""
    def cell(v) -> str: return str(v).replace("|", "\\|").replace("\n", " ")
    tables = [r for r in results if r.get("unit") == "table"]
    lines = ["| notebook | result | value |", "|---|---|---|"]
    lines += [f"| `{r['notebook']}` | {r['key']} | {fmt(r['value'])}{(' ' + r['unit']) if r.get('unit') else ''} |"
              for r in results if r.get("unit") != "table"]
    for r in tables:
        cols, rows = r["value"]["columns"], r["value"]["rows"]
        lines += ["", f"`{r['notebook']}`: {r['key']}", "", "| " + " | ".join(map(cell, cols)) + " |", "|" + "---|" * len(cols)]
        lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


STUDIES_START, STUDIES_END = "<!-- studies:start -->", "<!-- studies:end -->"


def _md_table(df, index: str) -> str:
    "A DataFrame as a Markdown table, its index as the first column."
    def cell(v) -> str:
        if isinstance(v, tuple): v = " · ".join(map(str, v))           # a MultiIndex row, e.g. (task, arm)
        if isinstance(v, float) and v != v: return ""                     # NaN: no value (e.g. the s.d. of one seed)
        if isinstance(v, float): v = int(v) if v.is_integer() else f"{v:g}" if 0 < abs(v) < 1e-3 else f"{v:.3f}"
        return str(v).replace("|", "\\|").replace("\n", " ")
    cols = [index, *map(str, df.columns)]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(cell(v) for v in (i, *row)) + " |" for i, row in zip(df.index, df.itertuples(index=False))]
    return "\n".join(lines)


def _provenance_line(study: dict) -> str:
    seeds = {}
    for r in study["runs"]: seeds.setdefault(r["arm"], []).append(r["seed"])
    made = "; ".join(f"commit {(p['commit'] or '?')[:7]}{' + uncommitted changes' if p['dirty'] else ''}, {p['machine']['cpu']}"
                     f" ({p['machine']['threads']} threads, GPU {p['machine']['gpu'] or 'none'}), torch {p['versions']['torch']}, "
                     f"{p['seconds'] / 3600:.2f} h" for p in study["provenance"])
    return (f"`studies/results/{study['study']}.json` (budget `{study['budget']}`): runs {len(study['runs'])}, "
            f"seeds per arm {min(len(v) for v in seeds.values())}–{max(len(v) for v in seeds.values())}. Made by: {made}.")


def studies_markdown() -> str:
    """The committed study results as Markdown for README: provenance, scores beside floors and reference figures, and
    each study's answer (from `mtst.course.studies`, the same readers the lessons use)."""
    from mtst.course import studies as S
    out = []
    try: mvs = S.load_study(ROOT / "studies" / "results" / "multi_vs_single.json")
    except FileNotFoundError: mvs = None
    if mvs:
        readings, _ = S.multi_vs_single_readings(mvs)
        out += ["**Multi-task or separate models** (`studies/multi_vs_single.py`, lessons 04a and 06). " + _provenance_line(mvs),
                "", "Test scores, mean ± s.d. over seeds (NER entity F1, SST-2 and AG News accuracy):", "",
                _md_table(S.quality_table(mvs).drop(columns=["source"], errors="ignore"), "arm"), "",
                _md_table(S.stopping_table(mvs), "arm"), "", _md_table(readings, "reading"), "",
                *[f"- {line}" for line in S.reading_sentences(readings)], ""]
    try: hl = S.load_study(ROOT / "studies" / "results" / "headline.json")
    except FileNotFoundError: hl = None
    if hl:
        runs = S.runs_frame(hl).set_index("id")   # the reader the lessons use: each task's reported metric per run
        runs.insert(0, "epochs trained", [max(p["epochs_done"] for p in r["curve"]) for r in hl["runs"]])
        out += ["**Lesson 04's headline model until early stopping** (`studies/headline.py`). " + _provenance_line(hl), "",
                "Test scores per seed (topic and sentiment macro-F1, NER entity F1):", "",
                _md_table(runs[["epochs trained", "stopped_early", *hl["runs"][0]["tasks"]]], "run"), ""]
    try: smp = S.load_study(ROOT / "studies" / "results" / "sampling.json")
    except FileNotFoundError: smp = None
    if smp:
        table = S.arm_summary(smp).join(S.step_shares(smp).round(3).add_suffix(" share of steps"))
        out += ["**Sampling under natural imbalance** (`studies/sampling.py`, lesson 04 §8). " + _provenance_line(smp), "",
                f"Training sentences {smp['design']['sizes']}, the same budget per schedule; test scores, mean ± s.d. over seeds, "
                "and the share of the optimizer steps each task got:", "", _md_table(table, "schedule"), ""]
        if min(table["seeds"]) >= 3:
            out += [_md_table(S.schedule_verdicts(smp).set_index("arm"), "schedule, minus proportional"), ""]
        else:
            out += ["Fewer than 3 seeds per schedule so far: no schedule is ranked.", ""]
    try: lora = S.load_study(ROOT / "studies" / "results" / "lora.json")
    except FileNotFoundError: lora = None
    if lora and mvs:
        table = S.strategy_table(lora, mvs)
        out += ["**What to train: LoRA and a frozen backbone against full fine-tuning** (`studies/lora.py`, lesson 03a; the "
                "full fine-tuning rows are the multi-vs-single study's single-task runs). " + _provenance_line(lora), "",
                f"LoRA {lora['design']['lora']}; its learning rate chosen on validation at rank 8, seed 0:", "",
                _md_table(S.lr_grid(lora), "task, lr"), "",
                "Test scores (NER entity F1, SST-2 accuracy), each row against full fine-tuning paired by seed:", "",
                _md_table(table, "task, arm"), "", *[f"- {line}" for line in S.strategy_sentences(table)], ""]
    try: pool = S.load_study(ROOT / "studies" / "results" / "pooling.json")
    except FileNotFoundError: pool = None
    if pool:
        table = S.pooling_table(pool).drop(columns=["backbone"])
        out += ["**Pooling, normalisation and projection on STS-B dev** (`studies/pooling.py`, lesson 01; nothing trains). "
                + _provenance_line(pool), "",
                f"Spearman on the {pool['runs'][0]['validation']['stsb']['n']} STS-B dev pairs (mean ± s.d. over seeds for the "
                "random projections and the random-init backbone), the first seed's 95% bootstrap interval, the raw dot "
                "product's Spearman, and the difference to mean pooling of the published backbone, paired over the pairs:", "",
                _md_table(table, "arm"), "", *[f"- {line}" for line in S.pooling_sentences(S.pooling_table(pool))], ""]
    try: wtt = S.load_study(ROOT / "studies" / "results" / "what_to_train.json")
    except FileNotFoundError: wtt = None
    if wtt:
        rows = [{"task": a["task"], "strategy": a["strategy"], "lr": f"{a['lr']:g}",
                 "validation": _metric_of(S, a["task"], r["validation"]), "test": _metric_of(S, a["task"], r["test"]),
                 "still improving": r["still_improving"]}
                for r in wtt["runs"] if (a := S.parse_arm(r["arm"])) and a["n"] is None and r["seed"] == 0]
        chosen = S.chosen_rates(wtt)
        import pandas as pd
        order = list(wtt["design"]["grids"])
        rows.sort(key=lambda r: (r["task"], order.index(r["strategy"]) if r["strategy"] in order else len(order), float(r["lr"])))
        for r in rows: r["still improving"] = "yes" if r["still improving"] else ""
        grid = pd.DataFrame(rows)
        grid["chosen"] = [("yes" if (t, float(lr)) in {(k[1], v) for k, v in chosen.items() if k[0] == st} else "")
                          for t, st, lr in zip(grid["task"], grid["strategy"], grid["lr"])]
        out += ["**What to train, each strategy at its own learning rate** (`studies/what_to_train.py`, lesson 03; in progress: "
                "the rate grids run on seed 0 first, then seeds 1 and 2 at the chosen rates, then the data-size curve). "
                + _provenance_line(wtt), "",
                "The grid runs so far (NER entity F1, SST-2 accuracy; a rate is chosen on validation once its strategy's grid is complete):", "",
                _md_table(grid.set_index(["task", "strategy", "lr"]), "task, strategy, lr"), ""]
    try: emb = S.load_study(ROOT / "studies" / "results" / "embedding.json")
    except FileNotFoundError: emb = None
    if emb and pool:
        untrained = float(S.pooling_table(pool).loc["pretrained/mean", "Spearman"])
        table = S.embedding_table(emb, untrained)
        done = min(table["seeds"]) >= 3 and len(table) >= 6
        out += ["**Training the embedding itself** (`studies/embedding.py`, lesson 06a" + ("" if done else "; in progress") + "). "
                + _provenance_line(emb), "",
                f"STS-B dev Spearman of each run's encoder (the untrained encoder: {untrained:.3f}, pooling study), the tasks' "
                "test scores, and the multi-task arms against `multi` paired by seed:", "",
                _md_table(table, "arm"), "", *[f"- {line}" for line in S.embedding_sentences(table, untrained)], ""]
    return "\n".join(out) if out else "No study results are committed yet.\n"


def _metric_of(S, task: str, m: dict) -> float:
    from mtst.course.studies.reading import _metric   # each task's headline metric
    return round(_metric(task, m[task]), 4)


def sync_studies(write: bool = True) -> bool:
    "Rewrite README's study section from the committed results files; True if it changed (or would change)."
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head, rest = text.split(STUDIES_START, 1)
    tail = rest.split(STUDIES_END, 1)[1]
    new = f"{head}{STUDIES_START}\n{studies_markdown()}{STUDIES_END}{tail}"
    if write and new != text: (ROOT / "README.md").write_text(new, encoding="utf-8")
    return new != text


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "runs" / "latest", help="output folder (default runs/latest)")
    ap.add_argument("--smoke", action="store_true", help="use each notebook's smoke parameters (tiny run)")
    ap.add_argument("--only", help="regex: run only the notebooks whose file name matches")
    ap.add_argument("--skip-done", action="store_true",
                    help="keep the notebooks that already ran ok in --out (and their results); run the others")
    ap.add_argument("--refresh", action="store_true",
                    help="after a successful full run, copy executed notebooks into nbs/ and update README")
    ap.add_argument("--refresh-from", type=Path, metavar="RUN_DIR",
                    help="no run: copy a finished full run (e.g. from a fresh clone) into nbs/ and README")
    ap.add_argument("--sync-links", action="store_true", help="rewrite Colab badges/links from settings.ini and exit")
    ap.add_argument("--sync-studies", action="store_true", help="rewrite README's study results from studies/results/ and exit")
    a = ap.parse_args(argv)
    if a.sync_studies:
        print("updated README.md" if sync_studies() else "README.md: study results up to date")
        return 0
    if a.sync_links:
        for nb in notebooks(): print(("updated " if sync_links(nb) else "ok      ") + nb.name)
        return 0
    if a.refresh_from:
        refresh(a.refresh_from.resolve(), readme=True)
        return 0
    rc = run_course(a.out.resolve(), smoke=a.smoke, only=a.only, skip_done=a.skip_done)
    if rc == 0 and a.refresh: refresh(a.out.resolve(), readme=True)  # README only when the run covers every notebook
    return rc


if __name__ == "__main__":
    sys.exit(main())
