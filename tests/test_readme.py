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
