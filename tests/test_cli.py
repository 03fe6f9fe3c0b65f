"""The `mtst` command line: the example config trains (tiny settings), evaluate/predict/encode work on
the run folder, and bad configs fail with clear errors before any model loads."""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

import ddp_worker
from mtst.core import tiny_random_backbone
import mtst.cli as cli
import mtst.runconfig as runconfig
import mtst.runs as runs
from mtst.cli import main
from mtst.runconfig import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "configs" / "example.yaml"


@pytest.fixture(scope="module")
def backbone(tmp_path_factory):
    return tiny_random_backbone(tmp_path_factory.mktemp("tinybert_cli"))


@pytest.fixture(scope="module")
def run_dir(backbone, tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "run"
    sets = [f"backbone={backbone}", "max_length=32", "training.epochs=1", "training.max_steps=3",
            "training.save_every=2", "training.batch_size=8", "training.eval_batch_size=128"]
    argv = ["train", str(EXAMPLE), "--output-dir", str(out), "--no-progress"] + [x for s in sets for x in ("--set", s)]
    assert main(argv) == 0
    return out


def test_example_config_trains(run_dir, capsys):
    for f in ("model/config.json", "metrics.json", "history.csv", "history.png", "config.json", "checkpoints/latest.json"):
        assert (run_dir / f).exists(), f
    m = json.loads((run_dir / "metrics.json").read_text())
    assert m["steps"] == 3 and set(m["metrics_after"]) >= {"topic", "sentiment", "ner", "mean"}
    assert m["metrics_before"] is not None


def test_evaluate_predict_encode(run_dir, capsys, tmp_path):
    assert main(["evaluate", str(run_dir), "--split", "test", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    n_test = sum(1 for line in (ROOT / "data" / "test.jsonl").read_text().splitlines() if line.strip())
    assert 0 <= out["topic"]["accuracy"] <= 1 and "f1" in out["ner"] and out["topic"]["n"] == n_test
    assert main(["evaluate", str(run_dir), "--file", str(ROOT / "data" / "validation.jsonl"), "--task", "ner", "--report"]) == 0
    assert "ner" in capsys.readouterr().out
    assert main(["predict", str(run_dir), "The app crashed at the Oakridge store.", "--json"]) == 0
    pred = json.loads(capsys.readouterr().out.strip().splitlines()[0])
    assert set(pred) == {"text", "topic", "sentiment", "ner"} and pred["topic"]["label"] in runconfig.config_tasks(
        json.loads((run_dir / "config.json").read_text()))[0].labels
    assert main(["predict", str(run_dir), "Great delivery."]) == 0
    assert "  sentiment: " in capsys.readouterr().out
    (tmp_path / "t.txt").write_text("one sentence\n\nanother one\n")
    assert main(["encode", str(run_dir), "--file", str(tmp_path / "t.txt"), "--out", str(tmp_path / "e.npy")]) == 0
    e = np.load(tmp_path / "e.npy")
    assert e.shape == (2, 32) and np.allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-5)
    assert main(["predict", str(run_dir), "--file", str(tmp_path / "nope.txt")]) == 2
    assert "nope.txt: file not found" in capsys.readouterr().err


def _write(tmp_path, cfg: dict) -> Path:
    p = tmp_path / "c.yaml"; p.write_text(yaml.safe_dump(cfg)); return p


def _example(tmp_path) -> dict:
    c = yaml.safe_load(EXAMPLE.read_text())
    for t in c["tasks"]:
        for s in ("train", "validation", "test"): t[s] = str((EXAMPLE.parent / t[s]).resolve())
    return c


@pytest.mark.parametrize("edit, message", [
    (lambda c: c.update(bakbone="x"), "unknown key(s) ['bakbone']"),
    (lambda c: c["training"].update(epohcs=2), "training: unknown key(s) ['epohcs']"),
    (lambda c: c["training"].update(epochs="three"), "training.epochs must be a positive integer, got 'three'"),
    (lambda c: c["training"].update(schedule="zigzag"), "training.schedule: unknown 'zigzag'"),
    (lambda c: c["tasks"][1].update(train="missing.jsonl"), "tasks[1] (sentiment).train: file not found"),
    (lambda c: c["tasks"][2].update(kind="spans"), "tasks[2] (ner).kind: 'spans' is not one of"),
    (lambda c: c["tasks"][0].update(format="xlsx"), "tasks[0] (topic).format: 'xlsx' is not one of"),
    (lambda c: c["tasks"][0].update(colour="red"), "tasks[0]: unknown key(s) ['colour']"),
    (lambda c: c["tasks"][0].pop("train"), "tasks[0]: missing required key 'train'"),
    (lambda c: c["tasks"][2].update(format="csv"), "a token task needs format jsonl"),
    (lambda c: c["training"].update(loss_weights={"nre": 2.0}), "loss_weights: unknown task(s) ['nre']"),
    (lambda c: c.update(peft={"r": 0}), "peft.r must be a positive integer (the adapter's rank), got 0"),
    (lambda c: c.update(peft={"rank": 8}), "peft: unknown key(s) ['rank']"),
    (lambda c: c.update(peft={"alpha": -1}), "peft.alpha must be a number > 0, got -1"),
    (lambda c: c.update(peft={"dropout": 1.5}), "peft.dropout must be in [0, 1), got 1.5"),
    (lambda c: c.update(peft={"target_modules": []}), "peft.target_modules must be a non-empty list of module names"),
    (lambda c: c.update(peft={"r": "eight"}), "peft.r must be an integer, got 'eight'"),
])
def test_bad_configs_fail_before_any_model_loads(tmp_path, monkeypatch, capsys, edit, message):
    c = _example(tmp_path); edit(c)
    path = _write(tmp_path, c)
    with pytest.raises(ConfigError) as e: load_config(path)
    assert message in str(e.value) and str(path) in str(e.value)
    monkeypatch.setattr(cli, "build_model", lambda *a, **k: pytest.fail("a model was built"))
    assert main(["train", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_overrides_and_label_errors(tmp_path, capsys):
    c = load_config(EXAMPLE, ["training.epochs=1", "tasks.0.head=mlp", "max_length=16"])
    assert c["training"]["epochs"] == 1 and c["tasks"][0]["head"] == "mlp" and c["max_length"] == 16
    with pytest.raises(ConfigError, match="expected key=value"): load_config(EXAMPLE, ["training.epochs"])
    bad = _example(tmp_path); bad["tasks"][1]["labels"] = ["negative", "positive"]   # 'neutral' is in the data
    assert main(["train", str(_write(tmp_path, bad)), "--dry-run"]) == 2
    assert re.search(r"train.jsonl:\d+: unknown sentiment label 'neutral'", capsys.readouterr().err)


def test_csv_tsv_conll_formats(tmp_path, capsys, backbone):
    (tmp_path / "s.csv").write_text("sentence,label\ngood app,pos\nbad store,neg\nfine,pos\n")
    (tmp_path / "s.tsv").write_text("text\tmood\ngreat\thappy\nawful\tsad\n")
    (tmp_path / "n.conll").write_text("Visit O\nOakridge B-STORE\nnow O\n\nPay O\nCarla B-PERSON\n")
    cfg = {"backbone": backbone, "tasks": [
        {"name": "polarity", "kind": "sequence", "format": "csv", "train": "s.csv", "text_column": "sentence", "label_column": "label"},
        {"name": "mood", "kind": "sequence", "format": "tsv", "train": "s.tsv", "label_column": "mood"},
        {"name": "ner", "kind": "token", "format": "conll", "train": "n.conll", "validation": "n.conll"}]}
    c = load_config(_write(tmp_path, cfg))
    tasks = runconfig.config_tasks(c)
    assert [(t.name, t.labels) for t in tasks][:2] == [("polarity", ("neg", "pos")), ("mood", ("happy", "sad"))]
    assert tasks[2].entity_types == ("PERSON", "STORE")
    ex = runconfig.read_split(c, "train", tasks)
    assert len(ex) == 3 + 2 + 2 and all(len(e.labels) == 1 for e in ex)  # different files: not merged
    assert main(["train", str(tmp_path / "c.yaml"), "--dry-run"]) == 0
    assert "3 task(s), 7 training and 2 validation examples; backbone" in capsys.readouterr().out
    assert not (tmp_path / "runs").exists()   # a dry run writes nothing


def test_shipped_jsonl_is_merged_into_joint_examples():
    c = load_config(EXAMPLE)
    ex = runconfig.read_split(c, "validation")
    n = sum(1 for line in (ROOT / "data" / "validation.jsonl").read_text().splitlines() if line.strip())
    assert len(ex) == n and all(set(e.labels) == {"topic", "sentiment", "ner"} for e in ex)


def test_misspelt_label_column_is_a_config_error_before_any_model_loads(tmp_path, monkeypatch, capsys):
    c = _example(tmp_path)
    c["tasks"][1]["label_column"] = "sentimnt"          # 'labels' is given, so the vocabulary alone looks fine
    path = _write(tmp_path, c)
    monkeypatch.setattr(cli, "build_model", lambda *a, **k: pytest.fail("a model was built"))
    for argv in (["train", str(path), "--dry-run"], ["train", str(path)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "task 'sentiment'" in err and "train.jsonl" in err and "'sentimnt'" in err and str(path) in err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("override, message", [
    ("tasks.x=1", "tasks is a list of 3 item(s); 'x' is not an index"),
    ("tasks.7.head=mlp", "'7' is not an index"),
    ("backbone.x=1", "backbone is 'sentence-transformers/all-MiniLM-L6-v2', not a mapping or list"),
    ("training.epochs.x=1", "training.epochs is 3, not a mapping"),
    ("training.epochs=[1", "the value is not valid YAML"),
    ("training..epochs=1", "empty key part"),
    ("training.metric=nope/f1", "training.metric: 'nope/f1' names no task metric"),
    ("training.metric=topic/f1", "training.metric: 'topic/f1' names no task metric"),
    ("training.metric=f1", "training.metric: 'f1' is neither"),
    ("training.log_every=0", "training.log_every must be a positive integer"),
    ("training.temperature=0", "training.temperature must be a number > 0"),
    ("training.lr=-0.001", "training.lr must be a number >= 0"),
    ("training.max_steps=-5", "training.max_steps must be a positive integer or null"),
    ("training.conflicts_every=0", "training.conflicts_every must be a positive integer or null"),
    ("max_length=1", "max_length must be an integer >= 2"),
])
def test_bad_overrides_and_values_are_config_errors(override, message, capsys, monkeypatch):
    with pytest.raises(ConfigError) as e: load_config(EXAMPLE, [override])
    assert message in str(e.value), str(e.value)
    monkeypatch.setattr(cli, "build_model", lambda *a, **k: pytest.fail("a model was built"))
    assert main(["train", str(EXAMPLE), "--set", override]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_gradient_balancing_needs_joint_steps_and_runs_from_a_config():
    with pytest.raises(ConfigError, match="training.balancing='famo' combines the gradients of every task in each step: it needs "
                                         "schedule='joint', but schedule='proportional'"):
        load_config(EXAMPLE, ["training.balancing=famo", "training.schedule=proportional"])
    cfg = load_config(EXAMPLE, ["training.balancing=pcgrad", "training.conflicts_every=20"])["training"]   # joint: fine
    assert (cfg["balancing"], cfg["conflicts_every"]) == ("pcgrad", 20)


def test_valid_metric_override():
    assert load_config(EXAMPLE, ["training.metric=ner/recall"])["training"]["metric"] == "ner/recall"


def test_fp16_on_cpu_is_a_config_error():
    import torch
    if torch.cuda.is_available(): pytest.skip("fp16 is valid on a GPU")
    with pytest.raises(ConfigError, match="fp16 needs a CUDA GPU; on CPU use bf16"): load_config(EXAMPLE, ["training.precision=fp16"])


def test_encode_checks_out_suffix_before_loading_a_model(tmp_path, capsys):
    assert main(["encode", str(tmp_path / "no-such-model"), "a sentence", "--out", str(tmp_path / "e.txt")]) == 2
    assert "use a .npy file name" in capsys.readouterr().err


# ---------------------------------------------------------------- issue 14: one line, nothing left behind
def snapshot(folder: Path) -> dict:
    "Every file and folder under `folder` with its content hash and mtime: equal snapshots = untouched."
    if not folder.exists(): return {}
    out = {}
    for p in sorted(folder.rglob("*")):
        st = p.stat()
        out[str(p.relative_to(folder))] = ("dir",) if p.is_dir() else (hashlib.sha256(p.read_bytes()).hexdigest(), st.st_mtime_ns)
    return out


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1 and err.startswith("mtst: error: "), err
    return err


@pytest.fixture(scope="module")
def tiny_cfg(backbone, tmp_path_factory):
    return Path(ddp_worker.write_tiny_config(tmp_path_factory.mktemp("tinycfg"), backbone, save_every=2, max_steps=3))


@pytest.fixture(scope="module")
def tiny_run(tiny_cfg, tmp_path_factory):
    "A finished tiny run (3 steps, checkpoints at 2 and 3): the folder later failures must leave untouched."
    out = tmp_path_factory.mktemp("tinyrun") / "run"
    assert main(["train", str(tiny_cfg), "--output-dir", str(out), "--no-progress"]) == 0
    return out


def _edited(tiny_cfg: Path, tmp_path: Path, edit) -> Path:
    c = yaml.safe_load(tiny_cfg.read_text())
    for t in c["tasks"]:
        for k in ("train", "validation"): t[k] = str(tiny_cfg.parent / t[k])
    edit(c)
    p = tmp_path / "edited.yaml"; p.write_text(yaml.safe_dump(c)); return p


@pytest.mark.parametrize("edit, args, message", [
    (lambda c: c["training"].update(lr=0.01), ["--resume"], "cannot resume: training.lr: 0.001 in the checkpoint, 0.01 now"),
    (lambda c: c["tasks"][0].update(labels=["store", "app"]), ["--resume"],   # same labels, other ids
     "task 'topic' labels: ['app', 'store'] in the checkpoint, ['store', 'app'] now"),
    (lambda c: c["training"].update(batch_size=4), ["--resume"], "training.batch_size: 8 in the checkpoint, 4 now"),
    (lambda c: c["tasks"][0].update(labels=["app", "zzz"]), [], "unknown topic label 'store'"),   # a data error
    (lambda c: c.update(backbone="/no/such/folder"), [], "backbone"),
    (lambda c: c.update(max_length=4096), [], "max_length: 4096 is more than the 128 positions"),
    (lambda c: c["training"].update(loss_weights={"ner": -1.0}), [], "training.loss_weights.ner must be a finite number >= 0"),
])
def test_failed_train_leaves_a_finished_run_untouched(tiny_cfg, tiny_run, tmp_path, capsys, edit, args, message):
    run = tmp_path / "run"; shutil.copytree(tiny_run, run)
    before = snapshot(run)
    assert main(["train", str(_edited(tiny_cfg, tmp_path, edit)), "--output-dir", str(run), "--no-progress"] + args) == 2
    assert message in one_error_line(capsys)
    assert snapshot(run) == before


def test_damaged_backbone_weights_name_the_backbone(backbone, tiny_cfg, tmp_path, capsys):
    bad = tmp_path / "bad"; shutil.copytree(backbone, bad)
    with open(bad / "model.safetensors", "r+b") as f: f.write(b"\x00" * 16)
    out = tmp_path / "run"
    assert main(["train", str(tiny_cfg), "--output-dir", str(out), "--set", f"backbone={bad}", "--no-progress"]) == 2
    err = one_error_line(capsys)
    assert f"backbone: {bad / 'model.safetensors'}: cannot read these weights (SafetensorError" in err and not out.exists()


def test_resume_may_change_the_budget_and_refuses_without_checkpoint(tiny_cfg, tiny_run, tmp_path, capsys):
    run = tmp_path / "run"; shutil.copytree(tiny_run, run)
    config_json = (run / "config.json").read_text()
    # nothing to resume: an error, and the new folder is not even created
    new = tmp_path / "new" / "run"
    assert main(["train", str(tiny_cfg), "--output-dir", str(new), "--resume", "--no-progress"]) == 2
    assert "nothing to resume" in one_error_line(capsys) and not (tmp_path / "new").exists()
    # epochs / max_steps / eval settings may change: the run continues from step 3 to the new budget
    assert main(["train", str(tiny_cfg), "--output-dir", str(run), "--resume", "--no-progress",
                 "--set", "training.max_steps=4", "--set", "training.eval_every=2"]) == 0
    assert json.loads((run / "metrics.json").read_text())["steps"] == 4
    assert json.loads((run / "config.json").read_text())["training"]["max_steps"] == 4 != json.loads(config_json)["training"]["max_steps"]


def test_dry_run_checks_everything_but_training(tiny_cfg, backbone, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "build_model", lambda *a, **k: pytest.fail("a model was built"))
    def fails(edit, message, extra=()):
        out = tmp_path / "out"
        assert main(["train", str(_edited(tiny_cfg, tmp_path, edit)), "--output-dir", str(out), "--dry-run"] + list(extra)) == 2
        assert message in one_error_line(capsys)
        assert not out.exists() or out.is_file()
    (tmp_path / "a_file").write_text("x")
    assert main(["train", str(tiny_cfg), "--output-dir", str(tmp_path / "a_file"), "--dry-run"]) == 2
    assert "a_file: is a file, not a folder" in one_error_line(capsys)
    assert main(["train", str(tiny_cfg), "--output-dir", str(tmp_path / "a_file" / "run"), "--dry-run"]) == 2
    assert "is a file, so the folder cannot be made" in one_error_line(capsys)
    fails(lambda c: c.update(pooling="median"), "pooling: 'median' is not one of")
    fails(lambda c: c["tasks"][1].update(head="cls"), "tasks[1] (ner).head: 'cls' pools the first token")
    fails(lambda c: c["tasks"][1].update(pooling="mean"), "a token task labels every word and has no pooling")
    fails(lambda c: c["tasks"][0].update(loss_weight=float("nan")), "tasks[0] (topic).loss_weight must be a finite number >= 0")
    fails(lambda c: c["training"].update(loss_weights={"topic": float("inf")}), "training.loss_weights.topic must be a finite number")
    fails(lambda c: c["training"].update(batch_size=True), "training.batch_size must be a positive integer, got True")
    fails(lambda c: c.update(max_length=129), "max_length: 129 is more than the 128 positions")
    fails(lambda c: c.update(backbone="not a/valid//hub id"), "backbone: not a/valid//hub id: no such folder, and not a Hugging Face id")
    fails(lambda c: c.update(backbone=str(tmp_path / "missing")), "backbone")
    from transformers import GPT2Config
    GPT2Config(n_layer=1, n_embd=32, n_head=2).save_pretrained(tmp_path / "gpt")
    fails(lambda c: c.update(backbone=str(tmp_path / "gpt")), "decoder-only")
    fails(lambda c: None, "nothing to resume", ["--resume"])
    assert main(["train", str(tiny_cfg), "--output-dir", str(tmp_path / "out"), "--dry-run"]) == 0
    assert "config ok: 2 task(s), 23 training and 12 validation examples; backbone" in capsys.readouterr().out
    assert not (tmp_path / "out").exists()


def test_config_file_errors_name_file_and_line(tmp_path, capsys):
    dup = tmp_path / "dup.yaml"
    dup.write_text("backbone: a\ntraining:\n  epochs: 1\n  lr: 0.1\n  epochs: 2\n")
    assert main(["train", str(dup), "--dry-run"]) == 2
    assert f"{dup}:5: duplicate key 'epochs' (first given on line 3)" in one_error_line(capsys)
    latin = tmp_path / "latin.yaml"; latin.write_bytes("backbone: a\n# caf\xe9\n".encode("latin-1"))
    assert main(["train", str(latin)]) == 2
    assert f"{latin}:2: not UTF-8 text (byte 0xe9)" in one_error_line(capsys)
    bad = tmp_path / "bad.yaml"; bad.write_text("tasks: [\n  {name: x\n")
    assert main(["train", str(bad)]) == 2
    assert f"{bad}:" in one_error_line(capsys)
    assert main(["train", str(tmp_path)]) == 2
    assert "is a folder, not a config file" in one_error_line(capsys)


def test_lr_zero_warns_once_in_one_line(tiny_cfg, tmp_path, capsys):
    assert main(["train", str(tiny_cfg), "--output-dir", str(tmp_path / "o"), "--dry-run", "--set", "training.lr=0"]) == 0
    err = capsys.readouterr().err
    assert err.count("mtst: warning: training.lr is 0") == 1 and len(err.strip().splitlines()) == 1, err


def test_fresh_run_into_an_earlier_runs_folder_warns(tiny_cfg, tiny_run, capsys):
    assert main(["train", str(tiny_cfg), "--output-dir", str(tiny_run), "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("mtst: warning: output_dir") and "holds a checkpoint of an earlier run" in err and "--resume" in err
    pointer = (tiny_run / "checkpoints" / "latest.json").read_text()
    (tiny_run / "checkpoints" / "latest.json").write_text("{")   # a damaged pointer does not block a fresh start
    try:
        assert main(["train", str(tiny_cfg), "--output-dir", str(tiny_run), "--dry-run"]) == 0
        assert "(a damaged one)" in capsys.readouterr().err
        assert main(["train", str(tiny_cfg), "--output-dir", str(tiny_run), "--dry-run", "--resume"]) == 2
        assert "latest.json: not a valid checkpoint pointer" in one_error_line(capsys)
    finally:
        (tiny_run / "checkpoints" / "latest.json").write_text(pointer)


def test_run_folder_errors_are_one_line(tiny_run, tmp_path, capsys):
    for argv, message in [(["evaluate", str(tmp_path / "none")], "none: no such folder"),
                          (["predict", str(tmp_path / "none"), "x"], "none: no such folder"),
                          (["evaluate", str(tmp_path)], "no trained model here"),
                          (["encode", str(tmp_path / "none" / "x"), "a", "--out", str(tmp_path / "e.npy")], "")]:
        assert main(argv) == 2
        assert message in one_error_line(capsys)
    run = tmp_path / "run"; shutil.copytree(tiny_run, run)
    (run / "config.json").write_text('{"tasks": [')
    assert main(["evaluate", str(run)]) == 2
    assert f"{run / 'config.json'}:1: not valid JSON" in one_error_line(capsys)
    shutil.rmtree(run); shutil.copytree(tiny_run, run)
    heads = next((run / "model").glob("heads*.safetensors"))
    heads.write_bytes(b"\x00" * 64)   # damaged weights
    assert main(["predict", str(run), "x"]) == 2
    assert f"{run / 'model'}: cannot load the model" in one_error_line(capsys)
    with pytest.raises(Exception): main(["predict", str(run), "x", "--debug"])   # --debug: the real exception
    (tmp_path / "latin.txt").write_bytes("ok\nna\xefve\n".encode("latin-1"))
    assert main(["encode", str(tiny_run), "--file", str(tmp_path / "latin.txt"), "--out", str(tmp_path / "e.npy")]) == 2
    assert f"{tmp_path / 'latin.txt'}:2: not UTF-8 text" in one_error_line(capsys)
    assert not (tmp_path / "e.npy").exists()


def test_error_line_maps_library_errors():
    import pickle
    from mtst.core import BackboneUnavailable
    from mtst.training import NonFiniteLossError
    cases = [(PermissionError(13, "Permission denied", "/x/y"), "/x/y: permission denied; check the permissions", 2),
             (IsADirectoryError(21, "Is a directory", "/x"), "/x: is a directory; give a file", 2),
             (json.JSONDecodeError("Expecting value", "{", 1), "line 1: not valid JSON (Expecting value)", 2),
             (b"\xff".decode("utf-8", "replace") and UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), "not UTF-8 text (byte 0xff", 2),
             (pickle.UnpicklingError("bad"), "damaged (UnpicklingError: bad)", 2),
             (BackboneUnavailable("Cannot load backbone 'x'"), "Cannot load backbone 'x'", 2),
             (NonFiniteLossError("step 3: the loss of task 'a' is nan"), "step 3: the loss", 1),
             (OSError(28, "No space left on device", "/x"), "/x: No space left on device", 1),
             (KeyError("k"), "internal error (KeyError", 1)]
    from safetensors import SafetensorError
    cases.append((SafetensorError("Error while deserializing header"), "damaged (SafetensorError", 2))
    for e, want, status in cases:
        line, code = cli.error_line(e)
        assert want in line and code == status and "\n" not in line, (e, line, code)


def test_encode_reads_a_saved_encoder_folder(backbone, tiny_run, tmp_path, capsys):
    from mtst.encoder import SentenceEncoder
    from mtst.multitask import MultiTaskModel
    enc = SentenceEncoder(backbone, pooling="max", projection=16, normalize=True, max_length=32)
    enc.save(tmp_path / "enc")
    texts = ["one sentence", "another, longer sentence"]
    assert main(["encode", str(tmp_path / "enc"), *texts, "--out", str(tmp_path / "e.npy")]) == 0
    e = np.load(tmp_path / "e.npy")
    assert e.shape == (2, 16) and np.allclose(e, enc.encode(texts), atol=1e-6)   # not 32-d mean-pooled backbone vectors
    assert main(["encode", str(tiny_run), *texts, "--out", str(tmp_path / "r.npy")]) == 0
    ref = MultiTaskModel.from_pretrained(tiny_run / "model").encoder.encode(texts)
    ref = ref / np.linalg.norm(ref, axis=1, keepdims=True)
    assert np.allclose(np.load(tmp_path / "r.npy"), ref, atol=1e-6)


def test_same_config_same_history_in_two_processes(backbone, tmp_path):
    "Issue 10: the CLI and the README's Python path give identical histories whatever PYTHONHASHSEED is."
    cfg = ddp_worker.write_tiny_config(tmp_path / "cfg", backbone, validation=False, max_steps=3)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_DISABLE_PROGRESS_BARS": "1", "TOKENIZERS_PARALLELISM": "false"}
    procs = [subprocess.Popen([sys.executable, str(ROOT / "tests" / "seed_worker.py"), backbone, cfg, str(tmp_path / seed)],
                              env={**env, "PYTHONHASHSEED": seed}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for seed in ("1", "2")]   # in parallel: most of each process is importing torch and transformers
    res = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-3000:]
        res.append(json.loads(out.strip().splitlines()[-1]))
    assert res[0]["unseeded_heads"] != res[1]["unseeded_heads"]   # without a seed, processes start differently
    assert res[0]["cli"] == res[1]["cli"] and res[0]["api"] == res[1]["api"]


@pytest.fixture
def source_cfg(tmp_path, backbone):
    "A config whose tasks read data sets (`source:`): CoNLL files in a folder and a `save_to_disk` Dataset."
    from datasets import Dataset
    (tmp_path / "std" / "conll2003").mkdir(parents=True)
    conll = "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n\nPeter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n"
    for f in ("train.txt", "valid.txt"): (tmp_path / "std" / "conll2003" / f).write_text(conll)
    Dataset.from_dict({"review": ["great phone", "awful battery", "fine screen", "broken box"],
                       "stars": ["pos", "neg", "pos", "neg"]}).save_to_disk(str(tmp_path / "reviews"))
    cfg = {"backbone": backbone, "max_length": 32, "output_dir": "run", "tasks": [
        {"name": "ner", "kind": "token", "source": {"format": "conll", "folder": "std"}, "train": "train", "validation": "validation"},
        {"name": "mood", "kind": "sequence", "source": {"disk": "reviews", "text_column": "review", "label_column": "stars"},
         "train": {"split": "train", "limit": 3, "seed": 0}, "validation": "train"}],
        "training": {"epochs": 1, "max_steps": 2, "batch_size": 2, "progress": False}}
    return _write(tmp_path, cfg)


def test_source_tasks_train_evaluate_and_refuse_files(source_cfg, tmp_path, capsys):
    c = load_config(source_cfg)
    assert c["tasks"][0]["train"] == {"folder": str(tmp_path / "std"), "format": "conll", "split": "train"}   # relative to the config
    tasks = runconfig.config_tasks(c)
    assert tasks[0].entity_types == ("LOC", "MISC", "ORG", "PER") and tasks[1].labels == ("neg", "pos")
    assert len(runconfig.read_split(c, "train", tasks)) == 2 + 3
    assert main(["train", str(source_cfg), "--no-progress"]) == 0
    saved = json.loads((tmp_path / "run" / "config.json").read_text())
    assert saved["tasks"][1]["train"]["limit"] == 3   # the run records where its data came from
    capsys.readouterr()
    assert main(["evaluate", str(tmp_path / "run"), "--split", "validation", "--json"]) == 0
    assert set(json.loads(capsys.readouterr().out)) >= {"ner", "mood"}
    (tmp_path / "x.txt").write_text("x\n")
    assert main(["evaluate", str(tmp_path / "run"), "--file", str(tmp_path / "x.txt"), "--task", "mood"]) == 2
    assert "reads a data set (source:)" in one_error_line(capsys)


@pytest.mark.parametrize("edit, message", [
    (lambda t: t["source"].update(hub="some/set"), "give one of 'hub', 'disk', 'folder'"),
    (lambda t: t["source"].update(folder="nowhere"), "nowhere/conll2003/train.txt not found; get the data online"),
    (lambda t: t["source"].update(tag_column="x"), "unknown source key(s) ['tag_column']"),
    (lambda t: t.update(format="conll"), "['format'] belong to file tasks"),
    (lambda t: t.update(validation="test"), "conll has no 'test' file"),
    (lambda t: t.update(source={"hub": "nobody/none"}), "cannot load from the Hugging Face Hub"),
])
def test_bad_sources_are_one_line_before_any_model_loads(source_cfg, monkeypatch, capsys, edit, message):
    import datasets
    import huggingface_hub
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(cli, "build_model", lambda *a: pytest.fail("a model was built"))
    c = yaml.safe_load(source_cfg.read_text()); edit(c["tasks"][0]); source_cfg.write_text(yaml.safe_dump(c))
    assert main(["train", str(source_cfg), "--dry-run"]) == 2
    err = one_error_line(capsys)
    assert message in err and ("tasks[0] (ner)" in err or "task 'ner'" in err), err


def test_real_data_config_reads_the_shared_copies():
    from mtst.sources import real_data_dir
    if real_data_dir() is None or not (real_data_dir() / "conll2003" / "train.txt").is_file():
        pytest.skip("no real data folder (MTST_DATA_DIR or ../shared/data)")
    c = load_config(ROOT / "configs" / "real_data.yaml")
    assert [t["train"]["format"] for t in c["tasks"]] == ["conll", "sst2"]
    assert c["tasks"][1]["train"]["limit"] == 10_000 and c["tasks"][0]["validation"]["split"] == "validation"


def test_dry_run_warns_about_inert_loss_weights(tiny_cfg, tmp_path, capsys):
    "--dry-run says in one line what fit() would: static weights cannot act with one task per step and clipping."
    edited = _edited(tiny_cfg, tmp_path, lambda c: c["training"].update(loss_weights={"topic": 5.0}, schedule="proportional"))
    assert main(["train", str(edited), "--dry-run", "--output-dir", str(tmp_path / "o")]) == 0
    err = [l for l in capsys.readouterr().err.splitlines() if l.strip()]
    assert len(err) == 1 and err[0].startswith("mtst: warning: static loss weights") and "weights_act_on='lr'" in err[0], err
    joint = _edited(tiny_cfg, tmp_path, lambda c: c["training"].update(loss_weights={"topic": 5.0}, schedule="joint"))
    assert main(["train", str(joint), "--dry-run", "--output-dir", str(tmp_path / "o")]) == 0
    assert "static loss weights" not in capsys.readouterr().err


def test_device_option(run_dir, capsys, tmp_path):
    "evaluate, predict and encode take --device; a device this machine lacks, or a bad name, is one line before any loading."
    import torch
    assert main(["predict", str(run_dir), "Great delivery.", "--device", "cpu", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sentiment"]["label"]
    assert main(["encode", str(run_dir), "one sentence", "--out", str(tmp_path / "e.npy"), "--device", "cpu"]) == 0
    capsys.readouterr()
    assert main(["evaluate", str(run_dir), "--split", "validation", "--device", "cpu", "--json"]) == 0
    capsys.readouterr()
    for bad, msg in (("gpu0", "not a device name"), ("cuda:7" if torch.cuda.is_available() else "cuda", "CUDA GPU"),
                     ("xla", "mtst runs on cpu, cuda or mps")):
        for cmd in (["predict", str(run_dir), "x"], ["evaluate", str(run_dir)], ["encode", str(run_dir), "x", "--out", str(tmp_path / "b.npy")]):
            assert main([*cmd, "--device", bad]) == 2, (cmd, bad)
            err = capsys.readouterr().err
            assert f"--device {bad}" in err.replace("'", "") and msg in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "b.npy").exists()
    assert cli.resolve_device(None).type == ("cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu")


def test_learning_rates_as_people_write_them(tmp_path):
    "YAML 1.1 reads `1e-4` (no dot) as a string: a number-typed training key takes it as the number it spells."
    c = _example(tmp_path)
    for k in ("lr", "head_lr"): c["training"].pop(k, None)
    text = yaml.safe_dump(c).replace("training:\n", "training:\n  lr: 1e-4\n  head_lr: 5E-3\n", 1)
    (tmp_path / "c.yaml").write_text(text)
    assert yaml.safe_load(text)["training"]["lr"] == "1e-4"                 # what PyYAML hands over
    cfg = load_config(tmp_path / "c.yaml")
    assert cfg["training"]["lr"] == 1e-4 and cfg["training"]["head_lr"] == 5e-3
    assert load_config(EXAMPLE, ["training.lr=2e-5"])["training"]["lr"] == 2e-5
    for bad in ("training.lr=fast", "training.lr=nan", "training.epochs=1e1"):   # words, NaN and a float for an int stay errors
        with pytest.raises(ConfigError, match="must be"): load_config(EXAMPLE, [bad])


def test_out_of_memory_is_not_a_damaged_folder(tiny_run, monkeypatch):
    "Loading a run that runs out of memory raises the out-of-memory error itself, not 'the folder is damaged'."
    import torch
    from mtst.multitask import MultiTaskModel
    def oom(*a, **k): raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
    monkeypatch.setattr(MultiTaskModel, "from_pretrained", classmethod(lambda cls, *a, **k: oom()))
    with pytest.raises(torch.OutOfMemoryError): runs.load_model_folder(tiny_run / "model")
    from mtst.training import CheckpointManager
    ck = CheckpointManager(tiny_run / "checkpoints").latest()
    with pytest.raises(torch.OutOfMemoryError): CheckpointManager.load(ck, MultiTaskModel.__new__(MultiTaskModel))


# ---------------------------------------------------------------- odd inputs, concurrent runs (issue: every bad input, one clear line)
def test_bad_input_catalogue_answers_every_case():
    "tools/bad_inputs.py: odd YAML, empty/interrupted/binary/huge files, label sets that change between splits, locks."
    sys.path.insert(0, str(ROOT / "tools"))
    import bad_inputs
    results = [(c["name"], *bad_inputs.run(c)) for c in bad_inputs.cases()]
    assert len(results) >= 25
    assert [(n, said) for n, ok, said in results if not ok] == []


def test_yaml_merge_keys_tabs_quoted_numbers_and_an_empty_section(tmp_path, capsys):
    c = tmp_path / "c.yaml"
    c.write_text("base: &b {epochs: 2}\n")
    assert runconfig.read_yaml(c) == {"base": {"epochs": 2}}
    c.write_text("a: &a {x: 1, y: 2}\nb:\n  <<: *a\n  y: 3\n")
    assert runconfig.read_yaml(c) == {"a": {"x": 1, "y": 2}, "b": {"x": 1, "y": 3}}   # merged; the explicit key wins
    c.write_text("a:\n  <<: {x: 1}\n  z: 1\n  z: 2\n")
    with pytest.raises(ConfigError, match=r"c.yaml:4: duplicate key 'z'"): runconfig.read_yaml(c)
    c.write_text("a:\n\tb: 1\n")
    with pytest.raises(ConfigError, match=r"c.yaml:2: .*YAML indents with spaces, not tabs"): runconfig.read_yaml(c)
    from mtst.training.config import spelled_number
    assert spelled_number("3", int) == 3 and spelled_number("3.5", int) == "3.5"
    assert spelled_number("1e-4", (int, float)) == 1e-4


def test_a_live_run_lock_refuses_a_second_run_and_a_stale_one_is_taken_over(tiny_cfg, tmp_path, capsys):
    import socket
    out = tmp_path / "run"; out.mkdir()
    (out / runs.LOCK_FILE).write_text(f"{os.getpid()} {socket.gethostname()}\n")   # this test's process: alive
    before = snapshot(out)
    assert main(["train", str(tiny_cfg), "--output-dir", str(out), "--no-progress"]) == 2
    assert f"another mtst run (pid {os.getpid()} on " in one_error_line(capsys) and snapshot(out) == before
    dead = subprocess.Popen(["true"]); dead.wait()   # a pid that no longer runs
    (out / runs.LOCK_FILE).write_text(f"{dead.pid} {socket.gethostname()}\n")
    assert main(["train", str(tiny_cfg), "--output-dir", str(out), "--no-progress", "--set", "training.max_steps=1"]) == 0
    assert (out / "metrics.json").exists() and not (out / runs.LOCK_FILE).exists()   # the lock goes with the run
    # (a run that fails after taking the lock, before writing anything, leaves no folder: test_damaged_backbone_weights...)


def test_a_peft_section_trains_a_lora_adapter_that_predict_loads(tiny_cfg, tmp_path, capsys):
    out = tmp_path / "run"
    args = ["train", str(tiny_cfg), "--output-dir", str(out), "--no-progress", "--set", "peft.r=4", "--set", "peft.alpha=8"]
    assert main(args + ["--dry-run"]) == 0
    assert "with a LoRA adapter {'r': 4, 'alpha': 8}" in capsys.readouterr().out
    assert main(args) == 0
    assert (out / "model" / "encoder" / "adapter" / "adapter_config.json").is_file()
    capsys.readouterr()
    assert main(["predict", str(out), "pay at the store", "--json"]) == 0
    assert "topic" in capsys.readouterr().out
    bad = main(["train", str(tiny_cfg), "--output-dir", str(tmp_path / "bad"), "--no-progress", "--set", "peft.target_modules=[nowhere]"])
    assert bad == 2 and "peft: add_lora:" in one_error_line(capsys) and not (tmp_path / "bad").exists()
