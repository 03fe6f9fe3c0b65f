"""ONNX serving (lesson 07, mtst.serving): the exported graph equals PyTorch, the int8 graph stays close, predictions
keep their format, a failed export leaves its folder as it was, and the command line exports and serves."""
import json

import numpy as np
import pytest
import torch

import ddp_worker
from mtst.cli import main
from mtst.lora import add_lora
from mtst.serving import OnnxModel, export_onnx

TEXTS = ["pay at the store today", "the app is slow and the card was declined at the store", "store"]


@pytest.fixture(scope="module")
def exported(backbone, tmp_path_factory):
    model = ddp_worker.build(backbone, 0).eval()
    folder = tmp_path_factory.mktemp("onnx") / "export"
    export_onnx(model, folder, quantize="int8")
    return model, folder


def test_onnx_equals_pytorch_and_int8_stays_close(exported):
    model, folder = exported
    fp32, int8 = OnnxModel(folder), OnnxModel(folder, int8=True)
    b = model.encoder.tokenizer(TEXTS, padding=True, return_tensors="pt")
    with torch.no_grad(): ref = model(b["input_ids"], b["attention_mask"])
    got = fp32.run(b["input_ids"].numpy(), b["attention_mask"].numpy())
    real = b["attention_mask"].bool().numpy()
    assert np.abs(got["logits.topic"] - ref.logits["topic"].numpy()).max() < 1e-4
    assert np.abs((got["logits.ner"] - ref.logits["ner"].numpy())[real]).max() < 1e-4
    assert np.abs(fp32.encode(TEXTS) - model.encoder.encode(TEXTS)).max() < 1e-4
    assert fp32.encode(TEXTS[0]).shape == (model.encoder.dim,)
    a, q = fp32.encode(TEXTS), int8.encode(TEXTS)
    cos = (a * q).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(q, axis=1)
    assert cos.min() > 0.99, cos
    p, t = fp32.predict(TEXTS), model.predict(TEXTS)
    assert [x["topic"]["label"] for x in p] == [x["topic"]["label"] for x in t]
    assert [[(e["start"], e["end"], e["label"]) for e in x["ner"]] for x in p] == [[(e["start"], e["end"], e["label"]) for e in x["ner"]] for x in t]
    with pytest.raises(ValueError, match="unknown task"): fp32.predict(TEXTS, tasks=["sentiment"])


def test_per_task_adapters_export_too(backbone, tmp_path):
    model = add_lora(ddp_worker.build(backbone, 0), r=4, alpha=8, per_task=True)
    with torch.no_grad():
        for n, p in model.named_parameters():
            if "lora_B" in n: p.normal_(0, 0.05)
    model.eval()
    export_onnx(model, tmp_path / "o")
    b = model.encoder.tokenizer(TEXTS, padding=True, return_tensors="pt")
    with torch.no_grad(): ref = model(b["input_ids"], b["attention_mask"])
    got = OnnxModel(tmp_path / "o").run(b["input_ids"].numpy(), b["attention_mask"].numpy())
    assert np.abs(got["logits.topic"] - ref.logits["topic"].numpy()).max() < 1e-4


def test_failed_export_leaves_the_folder_and_bad_folders_say_why(exported, tmp_path):
    model, folder = exported
    out = tmp_path / "out"; out.mkdir(); (out / "keep.txt").write_text("x")
    with pytest.raises(ValueError, match="quantize must be None or 'int8'"): export_onnx(model, out, quantize="int4")
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    with pytest.raises(FileNotFoundError, match="not an export of mtst.serving.export_onnx"): OnnxModel(tmp_path)


def test_cli_export_and_serve(backbone, tmp_path, capsys):
    cfg = ddp_worker.write_tiny_config(tmp_path / "cfg", backbone, max_steps=2)
    run = tmp_path / "run"
    assert main(["train", cfg, "--output-dir", str(run), "--no-progress"]) == 0
    assert main(["predict", str(run), "pay at the store", "--backend", "onnx"]) == 2
    assert f"mtst export {run} --onnx" in capsys.readouterr().err
    assert main(["export", str(run), "--onnx", "--int8"]) == 0 and (run / "onnx" / "model_int8.onnx").is_file()
    capsys.readouterr()
    outs = {}
    for backend in ("torch", "onnx", "onnx-int8"):
        assert main(["predict", str(run), *TEXTS, "--json", "--backend", backend]) == 0
        outs[backend] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert main(["encode", str(run), *TEXTS, "--out", str(tmp_path / f"{backend}.npy"), "--backend", backend]) == 0
        assert "wrote 3 embeddings" in capsys.readouterr().out
    assert [o["topic"]["label"] for o in outs["onnx"]] == [o["topic"]["label"] for o in outs["torch"]]
    assert np.abs(np.load(tmp_path / "onnx.npy") - np.load(tmp_path / "torch.npy")).max() < 1e-4
    capsys.readouterr()
    assert main(["export", str(run)]) == 2 and "--onnx" in capsys.readouterr().err
    assert main(["predict", str(run), "x", "--backend", "onnx", "--device", "cuda"]) == 2
    assert "runs on the CPU" in capsys.readouterr().err
