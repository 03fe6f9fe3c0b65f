"""Unit tests for mtst.core: the offline default backbone, its hash check, and hub errors."""
import os
import shutil
import socket
import subprocess
import sys
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
    (tmp_path / "config.json").write_text((core.default_model_dir() / "config.json").read_text())
    assert core.resolve_backbone(str(tmp_path)).max_length is None   # a model folder without sentence_bert_config.json


def test_bad_local_folders_are_one_line(tmp_path):
    "A missing folder, a folder without config.json, truncated safetensors, pickle-only weights, a file: each named in one line."
    src = core.default_model_dir()
    trunc, pickle_only, empty = tmp_path / "trunc", tmp_path / "pickle", tmp_path / "empty"
    for d in (trunc, pickle_only, empty): d.mkdir()
    for d in (trunc, pickle_only): (d / "config.json").write_text((src / "config.json").read_text())
    (trunc / "model.safetensors").write_bytes((src / "model.safetensors").read_bytes()[:100_000])
    (pickle_only / "pytorch_model.bin").write_bytes(b"not loaded")
    cases = [(tmp_path / "missing", core.BackboneUnavailable, "no such folder"),
             (empty, core.BackboneUnavailable, "not a model folder (no config.json)"),
             (trunc, core.WeightsError, "model.safetensors: cannot read these weights"),
             (pickle_only, core.WeightsError, "holds only pickle weights (pytorch_model.bin)"),
             (trunc / "config.json", core.BackboneUnavailable, "is a file")]
    for path, kind, msg in cases:
        with pytest.raises(kind) as e: core.load_backbone(str(path))
        assert msg in str(e.value) and str(path) in str(e.value) and "\n" not in str(e.value), str(e.value)


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


def test_align_tokens_to_words():
    spans = [(0, 3), (4, 7), (7, 8), (8, 9), (10, 12)]           # "Zoë don ' t ok" as in "Zoë don't ok"
    # special (0, 0); a token spanning two words belongs to the first; a whitespace-only token to none
    offsets = [(0, 0), (0, 1), (1, 3), (3, 4), (4, 7), (7, 9), (9, 10), (10, 12), (0, 0)]
    assert core.align_tokens_to_words(offsets, spans) == [None, 0, 0, None, 1, 2, None, 4, None]
    assert core.align_tokens_to_words([], spans) == [] and core.align_tokens_to_words([(0, 2)], []) == [None]


def test_decoder_only_config_refused():
    from transformers import BertConfig, GPT2Config, LlamaConfig, RobertaConfig
    for cfg in (BertConfig(), RobertaConfig()): core.check_encoder_only(cfg, "x")
    for cfg, kind in ((GPT2Config(), "gpt2"), (LlamaConfig(), "llama")):
        with pytest.raises(ValueError, match=f"'my-model' is a decoder-only model \\(model_type '{kind}'\\)"):
            core.check_encoder_only(cfg, "my-model")
    with pytest.raises(ValueError, match="decoder-only"): core.check_encoder_only(BertConfig(is_decoder=True))
