"""Unit tests for mtst.utils (evaluation mode, scratch folders) and mtst.course.tools (recording results, reference entries, memory)."""
import importlib.util

import pytest

from mtst import utils
from mtst.course import tools


def test_record_writes_only_when_asked(tmp_path, monkeypatch):
    monkeypatch.delenv("MTST_RESULTS_DIR", raising=False)
    assert tools.record("x", 1.5) is None   # returns nothing: a cell ending with it echoes no bare number
    assert not (tmp_path / "results.jsonl").exists()
    monkeypatch.setenv("MTST_RESULTS_DIR", str(tmp_path))
    monkeypatch.setenv("MTST_NOTEBOOK", "nb")
    tools.record("y", 2, unit="s")
    assert '"key": "y"' in (tmp_path / "results.jsonl").read_text()


def test_eval_mode_restores_each_module_own_mode():
    from torch import nn
    net = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5), nn.Sequential(nn.Dropout(0.1))).train()
    net[2].eval()                                               # the user's choice inside a training model
    before = [m.training for m in net.modules()]
    with utils.eval_mode(net):
        assert not any(m.training for m in net.modules())
    assert [m.training for m in net.modules()] == before
    with pytest.raises(RuntimeError, match="boom"):            # restored on errors too
        with utils.eval_mode(net): raise RuntimeError("boom")
    assert [m.training for m in net.modules()] == before


def test_public_methods_and_show_methods_without_nbdev(monkeypatch):
    class Toy:
        "A toy."
        def run(self, n: int = 1) -> int:
            "Run `n` times."
            return n
        @property
        def ready(self) -> bool:
            "Always ready."
            return True
        @classmethod
        def make(cls): return cls()
        def _hidden(self): pass
    assert tools.public_methods(Toy) == ["run", "ready", "make"]
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda x: shown.append(x.data))
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "nbdev" else real(name, *a))
    tools.show_methods(Toy)                               # as on Colab, where nbdev is not installed
    assert shown[0] == "**`Toy.run(n: int = 1) -> int`**\n\nRun `n` times."
    assert shown[1] == "**`Toy.ready`**\n\nAlways ready." and shown[2] == "**`Toy.make()`**"


def test_peak_rss_measures_each_block_from_its_own_start():
    import math
    import numpy as np
    with tools.peak_rss() as big:
        a = np.ones(100 * 2**20 // 8); del a
    with tools.peak_rss() as small:
        pass
    if math.isnan(big["MB"]): pytest.skip("no /proc on this system")
    assert 80 <= big["MB"] <= 160 and small["MB"] < 20, (big, small)


def test_scratch_dir_is_removed_at_exit():
    import subprocess
    import sys
    from pathlib import Path
    code = "from mtst.utils import scratch_dir; d = scratch_dir(); (d / 'f').write_text('x'); print(d)"
    d = Path(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip())
    assert d.name.startswith("mtst-") and not d.exists()
