"""Unit tests for mtst.core: the offline default backbone, its hash check, and hub errors."""
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mtst import core


def test_default_resolves_to_embedded_copy():
    spec = core.resolve_backbone()
    assert spec.embedded and spec.max_length == 256
    assert Path(spec.source) == core.default_model_dir()


def test_default_loads_without_network(monkeypatch):
    attempts = []

    def refuse(self, address):
        attempts.append(address)
        raise OSError("network disabled by test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    tok, model, spec = core.load_backbone()
    assert attempts == []
    assert tok.model_max_length == 256 and model.config.hidden_size == 384


@pytest.fixture(scope="module")
def tampered_dir(tmp_path_factory):
    folder = Path(shutil.copytree(core.default_model_dir(), tmp_path_factory.mktemp("m") / "model"))
    with open(folder / "model.safetensors", "r+b") as f:
        f.seek(1000)
        b = f.read(1)
        f.seek(1000)
        f.write(bytes([b[0] ^ 0xFF]))
    return folder


def test_tampered_weights_rejected(tampered_dir, monkeypatch):
    monkeypatch.setattr(core, "default_model_dir", lambda: tampered_dir)
    with pytest.raises(ValueError, match="does not match the expected"):
        core.load_backbone()


def test_missing_weights(tmp_path):
    with pytest.raises(FileNotFoundError, match="model.safetensors"):
        core.verify_weights(tmp_path)


def test_local_folder_uses_its_st_max_length(tmp_path):
    spec = core.resolve_backbone(str(core.default_model_dir()))
    assert spec.max_length == 256 and not spec.embedded
    assert core.resolve_backbone(str(tmp_path)).max_length is None


def test_unreachable_hub_name_fails_fast_in_one_line():
    "With HF_HUB_OFFLINE=1 (as the README says for offline machines), under 5 s and one line."
    probe = ("import time; from mtst.core import load_backbone\n"
             "t0 = time.perf_counter()\n"
             "try: load_backbone('mtst-course/no-such-model')\n"
             "except OSError as e: print(repr(str(e))); print(time.perf_counter() - t0)\n")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"})
    msg, seconds = r.stdout.strip().splitlines()
    msg = eval(msg)
    assert "\n" not in msg and "mtst-course/no-such-model" in msg and "local model folder" in msg
    assert float(seconds) < 5, seconds


def test_record_writes_only_when_asked(tmp_path, monkeypatch):
    monkeypatch.delenv("MTST_RESULTS_DIR", raising=False)
    assert core.record("x", 1.5) == 1.5
    assert not (tmp_path / "results.jsonl").exists()
    monkeypatch.setenv("MTST_RESULTS_DIR", str(tmp_path))
    monkeypatch.setenv("MTST_NOTEBOOK", "nb")
    core.record("y", 2, unit="s")
    assert '"key": "y"' in (tmp_path / "results.jsonl").read_text()
