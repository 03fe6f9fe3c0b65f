"""The study scripts run end to end at `smoke`, write the documented schema, resume run by run, and refuse bad input.

The committed `full` results are checked in tests/test_conclusions.py (what the lessons say about them)."""
import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest

STUDIES = Path(__file__).resolve().parents[1] / "studies"
sys.path.insert(0, str(STUDIES))

RUN_KEYS = {"id", "arm", "seed", "provenance", "tasks", "model", "config", "train_sizes", "parameters", "steps", "task_steps",
            "best_step", "stopped_early", "still_improving", "seconds", "cpu_seconds", "peak_rss_mb", "curve", "validation", "test"}
POINT_KEYS = {"step", "encoder_steps", "epochs_done", "kind", "seconds", "cpu_seconds", "task_steps", "validation"}


def check_schema(data: dict, study: str, budget: str, tasks_per_step: int = 1) -> None:
    assert (data["study"], data["schema"], data["budget"]) == (study, 1, budget)
    assert data["provenance"] and {"commit", "dirty", "command", "versions", "machine", "started", "seconds"} <= set(data["provenance"][0])
    assert {"cpu", "cpu_flags", "cores", "threads", "gpu"} <= set(data["provenance"][0]["machine"])
    for r in data["runs"]:
        assert RUN_KEYS <= set(r), f"{r['id']}: missing {RUN_KEYS - set(r)}"
        assert r["id"] == f"{r['arm']}/seed{r['seed']}" and 0 <= r["provenance"] < len(data["provenance"])
        assert sum(r["task_steps"].values()) == tasks_per_step * r["steps"]   # one task per step, or all of them (joint)
        assert r["curve"] and all(POINT_KEYS <= set(p) for p in r["curve"])
        assert set(r["test"]) >= set(r["tasks"])


def test_multi_vs_single_smoke_and_resume(backbone, tmp_path, capsys):
    "On the tiny random BERT (conftest's `backbone`): the machinery is under test, not the scores."
    import multi_vs_single
    from mtst.course.studies import load_study, multi_vs_single_readings
    out = tmp_path / "mvs.json"
    multi_vs_single.main(["--budget", "smoke", "--model", backbone, "--out", str(out)])
    data = json.loads(out.read_text())
    check_schema(data, "multi_vs_single", "smoke")
    assert sorted(r["id"] for r in data["runs"]) == sorted(f"{a}/seed{s}" for a in ("single/ner", "single/sst2", "single/agnews", "multi")
                                                            for s in (0, 1))
    assert all(r["task_steps"] == {t: r["steps"]} for r in data["runs"] if r["arm"].startswith("single/") for t in r["tasks"])
    table, _ = multi_vs_single_readings(load_study(out))
    assert list(table["seeds"]) == [2, 2, 2]
    before = out.read_text()
    multi_vs_single.main(["--budget", "smoke", "--model", backbone, "--out", str(out)])     # resumed: nothing left to do, file unchanged
    assert "0 run(s) to do" in capsys.readouterr().out and out.read_text() == before
    again = tmp_path / "again.json"                                     # a newcomer's re-run of one stored run
    multi_vs_single.main(["--budget", "smoke", "--model", backbone, "--arms", "single/sst2", "--seeds", "0", "--out", str(again)])
    first = next(r for r in data["runs"] if r["id"] == "single/sst2/seed0")
    (redo,) = json.loads(again.read_text())["runs"]
    assert redo["test"] == first["test"] and [p["validation"] for p in redo["curve"]] == [p["validation"] for p in first["curve"]]


def test_sampling_smoke(backbone, tmp_path):
    import sampling
    from mtst.course.studies import load_study, schedule_verdicts, step_shares
    out = tmp_path / "s.json"
    sampling.main(["--budget", "smoke", "--model", backbone, "--arms", "proportional", "round_robin", "--out", str(out)])
    data = load_study(out)
    check_schema(data, "sampling", "smoke")
    steps = {r["arm"]: r["steps"] for r in data["runs"]}
    assert steps["proportional"] == steps["round_robin"]                # the same budget for every schedule
    shares = step_shares(data)
    assert shares.loc["round_robin", "ner"] > shares.loc["proportional", "ner"]   # NER is the scarce task
    assert set(schedule_verdicts(data)["arm"]) == {"round_robin"}


def test_bad_input_is_one_line(tmp_path, capsys):
    import multi_vs_single
    with pytest.raises(SystemExit, match=r"unknown arm\(s\) \['single/pos'\]"):
        multi_vs_single.main(["--budget", "smoke", "--arms", "single/pos", "--out", str(tmp_path / "x.json")])
    assert not (tmp_path / "x.json").exists()
    with pytest.raises(SystemExit):                                     # argparse: an unknown budget
        multi_vs_single.main(["--budget", "huge"])
    assert "invalid choice: 'huge'" in capsys.readouterr().err


def test_changed_design_is_refused(tmp_path):
    "A results file of another design is not extended, and stays as it was."
    import multi_vs_single
    out = tmp_path / "mvs.json"
    out.write_text(json.dumps({"study": "multi_vs_single", "schema": 1, "budget": "smoke", "design": {"other": 1},
                               "provenance": [], "runs": []}))
    before = out.read_text()
    with pytest.raises(ValueError, match="its design is"):
        multi_vs_single.main(["--budget", "smoke", "--out", str(out)])
    assert out.read_text() == before
    cmd = subprocess.run([sys.executable, str(STUDIES / "multi_vs_single.py"), "--budget", "smoke", "--out", str(out)],
                         capture_output=True, text=True)                # from the command line: one line, exit status 1
    assert cmd.returncode == 1 and cmd.stderr.startswith("error: ") and len(cmd.stderr.strip().splitlines()) == 1, cmd.stderr
    assert out.read_text() == before


def test_missing_data_is_one_line(tmp_path):
    cmd = subprocess.run([sys.executable, str(STUDIES / "sampling.py"), "--budget", "smoke", "--data-dir", str(tmp_path),
                          "--out", str(tmp_path / "s.json")], capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert cmd.returncode == 1 and len(cmd.stderr.strip().splitlines()) == 1, cmd.stderr
    assert "conll" in cmd.stderr and str(tmp_path) in cmd.stderr
    assert not (tmp_path / "s.json").exists()


def test_headline_smoke(tmp_path):
    "Lesson 04's model on the course data (joint: every step trains every task), scored on the shipped test split."
    import headline
    from mtst.course.studies import cap_steps, load_study, stopped_early
    out = tmp_path / "h.json"
    headline.main(["--budget", "smoke", "--seeds", "0", "--out", str(out)])
    data = load_study(out)
    check_schema(data, "headline", "smoke", tasks_per_step=3)
    (run,) = data["runs"]
    assert run["train_sizes"] == {"topic": 32, "sentiment": 32, "ner": 32}
    assert cap_steps({k: v for k, v in run.items() if k != "cap_steps"}) == run["cap_steps"] == 4   # 2 epochs x 2 joint batches
    assert stopped_early(run) == (run["stopped_early"] and run["steps"] < run["cap_steps"])
    assert all("epoch_end" in p["kind"] for p in run["curve"])            # one evaluation per epoch, at its end


def test_lora_smoke(backbone, tmp_path, capsys):
    "The rate is chosen on validation from the grid (rank 8, seed 0); the other ranks run at it; LoRA r=8 trains < 2% of the weights."
    import lora
    out = tmp_path / "l.json"
    sst2 = [a for a in (*(lora.lora_arm(r, lr, "sst2") for r in lora.RANKS for lr in lora.GRID), "frozen/sst2")]
    lora.main(["--budget", "smoke", "--model", backbone, "--seeds", "0", "--arms", *sst2, "--out", str(out)])
    data = json.loads(out.read_text())
    check_schema(data, "lora", "smoke")
    runs = {r["arm"]: r for r in data["runs"]}
    chosen = re.search(r"sst2: learning rate (\S+) chosen on validation", capsys.readouterr().out)[1]
    assert float(chosen) == lora.chosen_lr(type("R", (), {"data": data})(), "sst2")
    assert set(runs) == {*(lora.lora_arm(8, lr, "sst2") for lr in lora.GRID), lora.lora_arm(4, float(chosen), "sst2"),
                         lora.lora_arm(16, float(chosen), "sst2"), "frozen/sst2"}
    share = {a: r["trainable_parameters"] / r["parameters"] for a, r in runs.items()}
    assert all(0 < s < 0.04 for a, s in share.items() if a.startswith("lora"))             # every linear layer adapted
    assert share[lora.lora_arm(8, float(chosen), "sst2") if float(chosen) in lora.GRID else next(iter(share))] < 0.02
    r4, r8, r16 = (runs[lora.lora_arm(r, float(chosen), "sst2")]["trainable_parameters"] for r in (4, 8, 16))
    assert r4 < r8 < r16 and r16 - r8 == 2 * (r8 - r4)                      # adapter weights grow linearly with the rank
    assert runs["frozen/sst2"]["trainable_parameters"] < r4                   # the head alone
    assert all(r["config"]["lr"] == float(chosen) for a, r in runs.items() if a.startswith(("lora r=4", "lora r=16")))


def test_what_to_train_smoke(backbone, tmp_path, capsys):
    """Each strategy's rate is chosen on validation from its grid (seed 0) and the other seed runs at it; the strategies
    train what they say (frozen: the head; top-2: more; full: everything); strategies without their grid wait."""
    import what_to_train as w
    out = tmp_path / "w.json"
    arms = [w.arm(s, lr, "sst2") for s in ("frozen", "top-2") for lr in w.GRIDS[s]]
    w.main(["--budget", "smoke", "--model", backbone, "--arms", *arms, "--out", str(out)])
    data = json.loads(out.read_text())
    check_schema(data, "what_to_train", "smoke")
    runs = {r["id"]: r for r in data["runs"]}
    from mtst.course.studies import chosen_rates
    rates = chosen_rates(data)
    chosen = {s: rates.get((s, "sst2")) for s in ("frozen", "top-2")}
    assert all(lr is not None for lr in chosen.values()) and ("full", "sst2") not in rates   # full: not asked for
    for s, lr in chosen.items():
        assert {f"{w.arm(s, lr, 'sst2')}/seed{seed}" for seed in (0, 1)} <= set(runs)
    assert len(runs) == len(w.GRIDS["frozen"]) + len(w.GRIDS["top-2"]) + 2 and not any("/n=" in a for a in runs)   # the curve's arms: not asked for
    trainable = {s: runs[f"{w.arm(s, chosen[s], 'sst2')}/seed0"] for s in chosen}
    assert trainable["frozen"]["trainable_parameters"] < trainable["top-2"]["trainable_parameters"] < trainable["top-2"]["parameters"]
    assert "the rate grid is incomplete" in capsys.readouterr().out     # the other strategies wait for their grids
    assert w.curve_epochs(250, 5000, 2) == 10 and w.curve_epochs(2500, 5000, 2) == 4 and w.curve_epochs(5000, 5000, 2) == 2


def test_gradual_unfreezes_during_the_run(backbone, tmp_path):
    "The study's gradual arm trains the top half of the layers in the first epoch and every layer in the second."
    import what_to_train as w
    from mtst.freezing import count_trainable
    from mtst.course.studies import study_splits, train_run
    seen = []
    class Count:
        def on_epoch_begin(self, epoch, trainer): seen.append(count_trainable(trainer.model))
    splits = study_splits({"sst2": 8}, n_val=4, n_test=4, test_limit=4)
    cfg, prep = w.setups(1e-4, 2, {"eval_every": 1, "patience": 2})["gradual"]
    cfg.callbacks.append(Count())
    train_run(splits, ["sst2"], cfg, 0, backbone)
    assert len(seen) == 2 and seen[0] < seen[1]


def test_pooling_smoke(backbone, tmp_path):
    "Every pooling, projection and lexical arm is scored with an interval; the paired difference to mean pooling is recorded."
    import pooling
    out = tmp_path / "p.json"
    pooling.main(["--budget", "smoke", "--model", backbone, "--out", str(out)])
    data = json.loads(out.read_text())
    assert (data["study"], data["budget"]) == ("pooling", "smoke") and data["provenance"]
    arms = {r["arm"] for r in data["runs"]}
    assert {f"pretrained/{m}" for m in pooling.POOLINGS} | {f"random init/{m}" for m in pooling.POOLINGS} <= arms
    assert {"lexical/tf-idf", "lexical/word overlap", "pretrained/mean + linear 16", "pretrained/mean + mlp 16"} <= arms
    for r in data["runs"]:
        s = r["validation"]["stsb"]
        assert s["low"] <= s["spearman"] <= s["high"] and s["n"] == 24
        assert ("minus_mean" in s) == (r["arm"] != "pretrained/mean")
    seeds = {r["seed"] for r in data["runs"] if r["arm"] == "pretrained/mean + linear 16"}
    assert seeds == {0, 1}
    n = len(data["runs"])
    pooling.main(["--budget", "smoke", "--model", backbone, "--out", str(out)])    # resumed: nothing new
    assert len(json.loads(out.read_text())["runs"]) == n


def test_balancing_smoke(backbone, tmp_path):
    "Multi-task arms train both tasks in joint steps with the whole encoder, and record their gradient conflicts per layer group."
    import balancing
    out = tmp_path / "b.json"
    balancing.main(["--budget", "smoke", "--model", backbone, "--seeds", "0", "--arms", "single/ner", "static equal", "pcgrad",
                    "--out", str(out)])
    data = json.loads(out.read_text())
    runs = {r["arm"]: r for r in data["runs"]}
    assert set(runs) == {"single/ner", "static equal", "pcgrad"}
    for arm in ("static equal", "pcgrad"):
        r = runs[arm]
        assert r["config"]["schedule"] == "joint" and r["trainable_parameters"] == r["parameters"]
        assert sum(r["task_steps"].values()) == 2 * r["steps"]                   # every step trains both tasks
        assert {"ner|sst2 all", "ner|sst2 layer.0"} <= set(r["conflicts"])
        assert all(-1 <= c["mean_cos"] <= 1 and c["measurements"] >= 1 for c in r["conflicts"].values())
    assert runs["pcgrad"]["config"]["balancing"] == "pcgrad" and "conflicts" not in runs["single/ner"]


def test_embedding_smoke(backbone, tmp_path):
    "The STS-B arm trains the similarity task with the chosen loss; every arm measures its encoder on STS-B dev, the same figure as its test Spearman."
    import embedding
    out = tmp_path / "e.json"
    embedding.main(["--budget", "smoke", "--model", backbone, "--seeds", "0", "--arms", "stsb/cosine_mse", "multi+stsb+nli",
                    "--out", str(out)])
    data = json.loads(out.read_text())
    check_schema(data, "embedding", "smoke")
    runs = {r["arm"]: r for r in data["runs"]}
    assert set(runs) == {"stsb/cosine_mse", "multi+stsb+nli"} and runs["multi+stsb+nli"]["tasks"] == ["ner", "sst2", "agnews", "stsb", "nli"]
    for r in runs.values():
        assert r["stsb_dev_spearman"] == pytest.approx(r["test"]["stsb"]["spearman"], abs=1e-4)   # two roads to one number
    assert set(runs["multi+stsb+nli"]["test"]["nli"]) >= {"accuracy", "macro_f1"}


def test_embedding_st_reference_smoke(backbone, tmp_path):
    "sentence-transformers' own trainer runs the STS-B recipe and its record has the study's form."
    import embedding
    out = tmp_path / "e.json"
    embedding.main(["--budget", "smoke", "--model", backbone, "--seeds", "0", "--arms", "stsb/st-reference", "--out", str(out)])
    data = json.loads(out.read_text())
    check_schema(data, "embedding", "smoke")
    (r,) = data["runs"]
    assert r["config"]["trainer"] == "sentence_transformers.SentenceTransformerTrainer" and r["steps"] > 0
    assert r["stsb_dev_spearman"] == r["test"]["stsb"]["spearman"] and -1 <= r["stsb_dev_spearman"] <= 1
    assert r["curve"] and r["best_step"] in [p["step"] for p in r["curve"]]
