"The README's Python example runs as written (on a few sentences), and its commands exist."
import re
import subprocess
import sys
from pathlib import Path

import mtst.data

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_python_example_runs(monkeypatch, tmp_path):
    code = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    real = mtst.data.load_shipped
    monkeypatch.setattr(mtst.data, "load_shipped", lambda split, *a, **k: real(split, *a, **k)[:8])
    monkeypatch.chdir(tmp_path)
    code = code.replace("epochs=3", "epochs=1")   # the only change: one epoch instead of three
    ns = {}
    exec(compile(code, "README.md", "exec"), ns)
    assert (tmp_path / "runs/mine/history.csv").exists()
    (pred,) = ns["model"].predict(["The courier left my parcel at the wrong door in Leeds."])
    assert set(pred) == {"topic", "sentiment", "ner"}
    assert (tmp_path / "runs/mine/encoder/modules.json").exists()   # the exported encoder is a sentence-transformers folder


def test_cli_commands_in_readme_parse():
    "Every `mtst ...` line of the README names a real subcommand with real options."
    lines = [l.split("#")[0].split() for l in README.splitlines() if l.startswith("mtst ")]
    assert len(lines) >= 4
    for words in lines:
        sub = words[1]
        help_ = subprocess.run([sys.executable, "-m", "mtst.cli", sub, "--help"], capture_output=True, text=True)
        assert help_.returncode == 0, f"README: `mtst {sub}` is not a command"
        for opt in (w for w in words if w.startswith("--")):
            assert opt in help_.stdout, f"README: `mtst {sub}` has no option {opt}"


def test_study_results_match_the_files():
    "README's study section is rendered from studies/results/*.json (`python tools/nbrun.py --sync-studies`)."
    import nbrun
    assert not nbrun.sync_studies(write=False), "README's study results differ from studies/results/: run `python tools/nbrun.py --sync-studies`"


def test_study_section_fails_on_a_changed_result(monkeypatch, tmp_path):
    "The check above can fail: a results file with one score changed no longer matches README."
    import json
    import shutil
    import nbrun
    root = tmp_path / "repo"
    (root / "studies").mkdir(parents=True)
    shutil.copytree(ROOT / "studies" / "results", root / "studies" / "results")
    shutil.copy(ROOT / "README.md", root / "README.md")
    path = root / "studies" / "results" / "multi_vs_single.json"
    data = json.loads(path.read_text())
    run = next(r for r in data["runs"] if r["arm"].startswith("single/"))
    task = run["tasks"][0]
    metric = "f1" if "f1" in run["test"][task] else "accuracy"
    run["test"][task][metric] = round(run["test"][task][metric] - 0.05, 5)
    path.write_text(json.dumps(data))
    monkeypatch.setattr(nbrun, "ROOT", root)
    assert nbrun.sync_studies(write=False)
