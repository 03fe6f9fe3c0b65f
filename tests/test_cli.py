"""The `mtst` command line: the example config trains (tiny settings), evaluate/predict/encode work on
the run folder, and bad configs fail with clear errors before any model loads."""
import json
import re
from pathlib import Path

import numpy as np
import pytest
import yaml

import ddp_worker
import mtst.cli as cli
from mtst.cli import ConfigError, load_config, main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "configs" / "example.yaml"


@pytest.fixture(scope="module")
def backbone(tmp_path_factory):
    return ddp_worker.tiny_backbone(tmp_path_factory.mktemp("tinybert_cli"))


@pytest.fixture(scope="module")
def run_dir(backbone, tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "run"
    sets = [f"backbone={backbone}", "max_length=32", "training.epochs=1", "training.max_steps=3",
            "training.save_every=2", "training.batch_size=8", "training.eval_batch_size=128"]
    argv = ["train", str(EXAMPLE), "--output-dir", str(out), "--no-progress"] + [x for s in sets for x in ("--set", s)]
    assert main(argv) == 0
    return out


def test_example_config_trains(run_dir, capsys):
    for f in ("model/multitask.json", "metrics.json", "history.csv", "history.png", "config.json", "checkpoints/latest.json"):
        assert (run_dir / f).exists(), f
    m = json.loads((run_dir / "metrics.json").read_text())
    assert m["steps"] == 3 and set(m["metrics_after"]) >= {"topic", "sentiment", "ner", "mean"}
    assert m["metrics_before"] is not None


def test_evaluate_predict_encode(run_dir, capsys, tmp_path):
    assert main(["evaluate", str(run_dir), "--split", "test", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert 0 <= out["topic"]["accuracy"] <= 1 and "f1" in out["ner"] and out["topic"]["n"] == 126
    assert main(["evaluate", str(run_dir), "--file", str(ROOT / "data" / "validation.jsonl"), "--task", "ner", "--report"]) == 0
    assert "ner" in capsys.readouterr().out
    assert main(["predict", str(run_dir), "The app crashed at the Oakridge store.", "--json"]) == 0
    pred = json.loads(capsys.readouterr().out.strip().splitlines()[0])
    assert set(pred) == {"text", "topic", "sentiment", "ner"} and pred["topic"]["label"] in cli.config_tasks(
        json.loads((run_dir / "config.json").read_text()))[0].labels
    assert main(["predict", str(run_dir), "Great delivery."]) == 0
    assert "  sentiment: " in capsys.readouterr().out
    (tmp_path / "t.txt").write_text("one sentence\n\nanother one\n")
    assert main(["encode", str(run_dir), "--file", str(tmp_path / "t.txt"), "--out", str(tmp_path / "e.npy")]) == 0
    e = np.load(tmp_path / "e.npy")
    assert e.shape == (2, 32) and np.allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-5)
    with pytest.raises(SystemExit, match="file not found"): main(["predict", str(run_dir), "--file", str(tmp_path / "nope.txt")])


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
    (lambda c: c["training"].update(epochs="three"), "training.epochs must be an integer, got 'three'"),
    (lambda c: c["training"].update(schedule="zigzag"), "training.schedule: unknown 'zigzag'"),
    (lambda c: c["tasks"][1].update(train="missing.jsonl"), "tasks[1] (sentiment).train: file not found"),
    (lambda c: c["tasks"][2].update(kind="spans"), "tasks[2] (ner).kind: 'spans' is not one of"),
    (lambda c: c["tasks"][0].update(format="xlsx"), "tasks[0] (topic).format: 'xlsx' is not one of"),
    (lambda c: c["tasks"][0].update(colour="red"), "tasks[0]: unknown key(s) ['colour']"),
    (lambda c: c["tasks"][0].pop("train"), "tasks[0]: missing required key 'train'"),
    (lambda c: c["tasks"][2].update(format="csv"), "a token task needs format jsonl"),
    (lambda c: c["training"].update(loss_weights={"nre": 2.0}), "loss_weights: unknown task(s) ['nre']"),
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


def test_csv_tsv_conll_formats(tmp_path, capsys):
    (tmp_path / "s.csv").write_text("sentence,label\ngood app,pos\nbad store,neg\nfine,pos\n")
    (tmp_path / "s.tsv").write_text("text\tmood\ngreat\thappy\nawful\tsad\n")
    (tmp_path / "n.conll").write_text("Visit O\nOakridge B-STORE\nnow O\n\nPay O\nCarla B-PERSON\n")
    cfg = {"backbone": "x", "tasks": [
        {"name": "polarity", "kind": "sequence", "format": "csv", "train": "s.csv", "text_column": "sentence", "label_column": "label"},
        {"name": "mood", "kind": "sequence", "format": "tsv", "train": "s.tsv", "label_column": "mood"},
        {"name": "ner", "kind": "token", "format": "conll", "train": "n.conll", "validation": "n.conll"}]}
    c = load_config(_write(tmp_path, cfg))
    tasks = cli.config_tasks(c)
    assert [(t.name, t.labels) for t in tasks][:2] == [("polarity", ("neg", "pos")), ("mood", ("happy", "sad"))]
    assert tasks[2].entity_types == ("PERSON", "STORE")
    ex = cli.read_split(c, "train", tasks)
    assert len(ex) == 3 + 2 + 2 and all(len(e.labels) == 1 for e in ex)  # different files: not merged
    assert main(["train", str(tmp_path / "c.yaml"), "--dry-run"]) == 0
    assert "3 task(s), 7 training and 2 validation examples" in capsys.readouterr().out


def test_shipped_jsonl_is_merged_into_joint_examples():
    c = load_config(EXAMPLE)
    ex = cli.read_split(c, "validation")
    assert len(ex) == 126 and all(set(e.labels) == {"topic", "sentiment", "ner"} for e in ex)


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
    ("max_length=1", "max_length must be an integer >= 2"),
])
def test_bad_overrides_and_values_are_config_errors(override, message, capsys, monkeypatch):
    with pytest.raises(ConfigError) as e: load_config(EXAMPLE, [override])
    assert message in str(e.value), str(e.value)
    monkeypatch.setattr(cli, "build_model", lambda *a, **k: pytest.fail("a model was built"))
    assert main(["train", str(EXAMPLE), "--set", override]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_valid_metric_override():
    assert load_config(EXAMPLE, ["training.metric=ner/recall"])["training"]["metric"] == "ner/recall"


def test_fp16_on_cpu_is_a_config_error():
    import torch
    if torch.cuda.is_available(): pytest.skip("fp16 is valid on a GPU")
    with pytest.raises(ConfigError, match="fp16 needs a CUDA GPU; on CPU use bf16"): load_config(EXAMPLE, ["training.precision=fp16"])


def test_encode_checks_out_suffix_before_loading_a_model(tmp_path, capsys):
    assert main(["encode", str(tmp_path / "no-such-model"), "a sentence", "--out", str(tmp_path / "e.txt")]) == 2
    assert "use a .npy file name" in capsys.readouterr().err
