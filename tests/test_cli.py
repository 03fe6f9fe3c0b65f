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
