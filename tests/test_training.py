"""Unit tests of mtst.training: schedulers, loss balancing, metrics, checkpoints, faults, exact resume
after kill -9 (real subprocess) and 2-process DDP (real accelerate launch). Tiny random BERT, a few steps each."""
import json
import math
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

import ddp_worker
from mtst.metrics import accuracy, classification_report, entity_scores, macro_f1
from mtst.training import (SCHEDULES, CheckpointManager, LossBalancer, MultiTaskTrainer, NonFiniteLossError, TaskScheduler, TrainerCallback,
                           TrainConfig, task_probabilities)
from mtst.utils import atomic_write

WORKER = Path(__file__).with_name("ddp_worker.py")


def trainer(backbone, out=None, n_train=24, **kw):
    cfg = dict(epochs=1, batch_size=8, lr=1e-3, progress=False, output_dir=str(out) if out else None, seed=0)
    cfg.update(kw)
    return MultiTaskTrainer(ddp_worker.build(backbone), ddp_worker.synthetic(n_train, 0), ddp_worker.synthetic(12, 1),
                            TrainConfig(**cfg))


def _env(hashseed: str = "0"): return ddp_worker.subprocess_env(hashseed)


# ---------------------------------------------------------------- scheduling
POOLS = {"big": list(range(100)), "mid": list(range(100, 130)), "small": list(range(130, 135))}


@pytest.mark.parametrize("schedule", [s for s in SCHEDULES])
def test_schedules_deterministic_same_budget(schedule):
    a = TaskScheduler(POOLS, 4, schedule, epochs=3, seed=7)
    b = TaskScheduler(POOLS, 4, schedule, epochs=3, seed=7)
    for e in range(3): assert a.plan(e) == b.plan(e)
    assert a.plan(0) != a.plan(1)  # reshuffled every epoch
    assert len(a.plan(0)) == a.steps_per_epoch()
    if schedule != "joint": assert a.steps_per_epoch() == 25 + 8 + 2
    for task, idx in a.plan(0):
        assert 1 <= len(idx) <= 4
        if task is not None: assert set(idx) <= set(POOLS[task])


def test_schedule_shapes():
    seq = [t for t, _ in TaskScheduler(POOLS, 4, "sequential").plan(0)]
    assert seq == ["big"] * 25 + ["mid"] * 8 + ["small"] * 2
    rr = [t for t, _ in TaskScheduler(POOLS, 4, "round_robin").plan(0)]
    assert rr[:6] == ["big", "mid", "small"] * 2
    prop = TaskScheduler(POOLS, 4, "proportional").plan(0)
    assert sorted(i for _, b in prop for i in b) == list(range(135))  # each example exactly once
    # temperature interpolates between proportional (T=1) and uniform (T large)
    sizes = {t: len(p) for t, p in POOLS.items()}
    p1, p5 = task_probabilities(sizes, "temperature", 1.0), task_probabilities(sizes, "temperature", 5.0)
    assert p1["small"] == pytest.approx(5 / 135) and p5["small"] > p1["small"]
    # annealed: proportional in the first epoch, flatter in the last
    ann = TaskScheduler(POOLS, 4, "annealed", epochs=4)
    assert ann.probabilities(0)["small"] == pytest.approx(5 / 135)
    assert ann.probabilities(3)["small"] > ann.probabilities(1)["small"] > ann.probabilities(0)["small"]


def test_scheduler_errors_and_state():
    with pytest.raises(ValueError, match=r"\['b'\] have no training examples"): TaskScheduler({"a": [1], "b": []}, 2)
    with pytest.raises(ValueError, match="unknown schedule"): TaskScheduler(POOLS, 2, "random")
    s = TaskScheduler(POOLS, 4, "temperature", seed=1)
    with pytest.raises(ValueError, match="schedule differs"):
        TaskScheduler(POOLS, 4, "temperature", seed=2).load_state_dict(s.state_dict())
    TaskScheduler(POOLS, 4, "temperature", seed=1).load_state_dict(s.state_dict())


# ---------------------------------------------------------------- balancing
def test_loss_balancers():
    st = LossBalancer(["a", "b"], "static", {"a": 2.0})
    assert float(st({"a": torch.tensor(1.0), "b": torch.tensor(3.0)})) == pytest.approx(5.0)
    with pytest.raises(ValueError, match="unknown task"): LossBalancer(["a"], "static", {"zzz": 1.0})
    un = LossBalancer(["a", "b"], "uncertainty")
    with torch.no_grad(): un.log_vars["a"].fill_(math.log(4.0))
    assert float(un({"a": torch.tensor(8.0)}).detach()) == pytest.approx(8.0 / 4 + 0.5 * math.log(4.0), rel=1e-5)
    loss = un({"a": torch.tensor(8.0), "b": torch.tensor(1.0)}); loss.backward()
    assert un.log_vars["a"].grad is not None  # learned
    dwa = LossBalancer(["a", "b"], "dwa", dwa_temperature=2.0)
    for la, lb in [(1.0, 1.0), (0.5, 1.0)]:
        dwa({"a": torch.tensor(la), "b": torch.tensor(lb)}); dwa.end_epoch()
    ea, eb = math.exp(0.5 / 2), math.exp(1.0 / 2)
    assert dwa.weights()["a"] == pytest.approx(2 * ea / (ea + eb)) and dwa.weights()["b"] == pytest.approx(2 * eb / (ea + eb))


# ---------------------------------------------------------------- metrics
def test_metrics_against_definitions():
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    f1s = []
    for c in range(4):
        tp, fp, fn = np.sum((p == c) & (y == c)), np.sum((p == c) & (y != c)), np.sum((p != c) & (y == c))
        f1s.append(2 * tp / (2 * tp + fp + fn))
    assert macro_f1(y, p) == pytest.approx(np.mean(f1s))
    assert accuracy(y, p) == pytest.approx(np.mean(y == p))
    assert macro_f1([0, 0], [1, 1]) == 0.0  # classes seen in either, like scikit-learn
    rep = classification_report([0, 1, 1], [0, 1, 0], names=["x", "y", "z"])
    assert list(rep.index) == ["x", "y", "z"] and rep.loc["z", "support"] == 0 and rep.loc["y", "recall"] == 0.5
    s = entity_scores([["B-A", "I-A", "O", "B-B"]], [["B-A", "I-A", "O", "I-B"]])
    assert s["precision"] == 1.0 and s["recall"] == 0.5  # strict IOB2: the lone I-B is no entity
    with pytest.raises(ValueError, match="3 true labels but 2"): accuracy([1, 2, 3], [1, 2])


@pytest.mark.parametrize("seed", range(5))
def test_metrics_match_scikit_learn(seed):
    "The hand-written metrics (they teach the definitions in lesson 04) agree with scikit-learn on random labels."
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 6))
    y, p = rng.integers(0, k, 300), rng.integers(0, k, 300)
    p[rng.random(300) < 0.1] = k   # a class only ever predicted
    assert accuracy(y, p) == pytest.approx(accuracy_score(y, p), abs=1e-12)
    assert macro_f1(y, p) == pytest.approx(f1_score(y, p, average="macro", zero_division=0), abs=1e-12)
    labels = list(range(k + 2))   # with classes absent from both
    assert macro_f1(y, p, labels=labels) == pytest.approx(f1_score(y, p, labels=labels, average="macro", zero_division=0), abs=1e-12)
    rep = classification_report(y, p, names=[f"c{i}" for i in labels])
    ref = precision_recall_fscore_support(y, p, labels=labels, zero_division=0)
    for col, want in zip(("precision", "recall", "f1", "support"), ref):
        assert np.allclose(rep[col].to_numpy(), want, atol=1e-12), col


def test_spearman_matches_scipy():
    from scipy.stats import spearmanr
    from mtst.encoder import spearman
    rng = np.random.default_rng(0)
    for n in (2, 7, 200):
        x, y = rng.integers(0, 5, n).astype(float), rng.normal(size=n)   # ties in x
        if np.ptp(x) == 0: x[0] += 1
        assert spearman(x, y) == pytest.approx(spearmanr(x, y).statistic, abs=1e-12)


def test_entity_scores_match_seqeval_report():
    "entity_scores is seqeval's strict IOB2 micro average; the same numbers as its classification_report."
    from seqeval.metrics import classification_report as seq_report
    from seqeval.scheme import IOB2
    gold = [["B-A", "I-A", "O", "B-B", "O"], ["B-B", "O", "B-A"], ["O", "I-A", "O"]]
    pred = [["B-A", "I-A", "O", "I-B", "O"], ["B-B", "O", "B-A"], ["O", "B-A", "O"]]
    ref = seq_report(gold, pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)["micro avg"]
    got = entity_scores(gold, pred)
    assert [got[k] for k in ("precision", "recall", "f1")] == pytest.approx([ref["precision"], ref["recall"], ref["f1-score"]])


# ---------------------------------------------------------------- checkpoints
def test_atomic_write_keeps_old_file(tmp_path):
    f = tmp_path / "x.txt"; f.write_text("old")
    def bad(p): p.write_text("partial"); raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt): atomic_write(f, bad)
    assert f.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["x.txt"]


@pytest.mark.parametrize("kw, message", [
    (dict(schedule="rr"), "training.schedule"), (dict(balancing="gradnorm"), "training.balancing"),
    (dict(epochs=0), "training.epochs"), (dict(precision="fp8"), "training.precision"),
    (dict(log_every=0), "training.log_every must be a positive integer"),
    (dict(temperature=0.0), "training.temperature must be a number > 0"),
    (dict(temperature=-1), "training.temperature must be a number > 0"),
    (dict(dwa_temperature=0), "training.dwa_temperature"),
    (dict(lr=-1e-5), "training.lr must be a number >= 0"), (dict(head_lr=-1.0), "training.head_lr"),
    (dict(lr=float("nan")), "training.lr"), (dict(max_steps=-1), "training.max_steps must be a positive integer or null"),
    (dict(max_steps=0), "training.max_steps"), (dict(eval_every=0), "training.eval_every"),
    (dict(save_every=-2), "training.save_every"), (dict(max_grad_norm=0), "training.max_grad_norm"),
    (dict(batch_size=True), "training.batch_size"), (dict(warmup_ratio=1.0), "training.warmup_ratio"),
    (dict(metric="accuracy"), "training.metric: 'accuracy' is neither"),
    (dict(metric="topic/auc"), "training.metric: 'topic/auc'"), (dict(keep_checkpoints=0), "training.keep_checkpoints"),
    (dict(loss_weights={"ner": -1}), "training.loss_weights.ner must be a finite number >= 0, got -1"),
    (dict(loss_weights={"ner": float("nan")}), "training.loss_weights.ner must be a finite number >= 0, got nan"),
    (dict(loss_weights={"ner": True}), "training.loss_weights.ner"), (dict(loss_weights=[1, 2]), "training.loss_weights must be a mapping"),
    (dict(seed=True), "training.seed must be an integer >= 0"), (dict(eval_batch_size=True), "training.eval_batch_size"),
])
def test_train_config_validation(kw, message):
    with pytest.raises(ValueError) as e: TrainConfig(**kw)
    assert message in str(e.value)


def test_train_config_accepts_valid_values():
    TrainConfig(lr=0.0, head_lr=1e-3, max_steps=5, temperature=0.5, metric="ner/f1", max_grad_norm=None, log_every=3,
                loss_weights={"topic": 0, "ner": 2.5})
    with pytest.warns(UserWarning, match="training.lr is 0 and head_lr is unset or 0: no weight will change"):
        TrainConfig(lr=0.0)


def test_metric_and_fp16_checked_against_tasks_and_device(backbone):
    with pytest.raises(ValueError, match=r"'sentiment/accuracy' names no task metric; choose one of \['mean', 'topic/accuracy'"):
        trainer(backbone, metric="sentiment/accuracy")
    with pytest.raises(ValueError, match="'ner/accuracy' names no task metric"): trainer(backbone, metric="ner/accuracy")
    trainer(backbone, metric="ner/recall")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="fp16 needs a CUDA GPU.*on CPU use bf16"): trainer(backbone, precision="fp16")


# ---------------------------------------------------------------- bad input, faults
def test_empty_task_and_bad_labels_fail_before_training(backbone):
    from mtst.data import Example
    model = ddp_worker.build(backbone)
    only_topic = [Example("good app", {"topic": "app"}, "f:1"), Example("bad store", {"topic": "store"}, "f:2")]
    with pytest.raises(ValueError, match=r"\['ner'\] have no labelled training examples"):
        MultiTaskTrainer(model, only_topic, None, TrainConfig(progress=False))
    with pytest.raises(ValueError, match="training set is empty"): MultiTaskTrainer(model, [], None, TrainConfig())
    tr = trainer(backbone)
    tr.train_features[3]["labels"]["topic"] = 7   # e.g. a hand-built feature with a wrong id
    from mtst.training import check_labels
    with pytest.raises(ValueError, match=r"task 'topic' has label id\(s\) \[7\] outside \[0, 2\)"):
        check_labels(tr.train_features, tr.tasks)
    feats = {"train": tr.train_features}
    w0 = next(tr.model.parameters()).detach().clone()
    with pytest.raises(ValueError, match="outside"):
        MultiTaskTrainer(tr.model, ddp_worker.synthetic(24, 0), None, TrainConfig(progress=False), features=feats)
    assert torch.equal(w0, next(tr.model.parameters()))


def test_nan_loss_message_without_checkpoint_and_no_warning(backbone, tmp_path):
    import warnings
    tr = trainer(backbone, tmp_path / "run", eval_before=False, schedule="round_robin")
    with torch.no_grad():
        for p in tr.model.heads["topic"].parameters(): p.fill_(float("nan"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # e.g. "Converting a tensor with requires_grad=True to a scalar"
        with pytest.raises(NonFiniteLossError) as e: tr.fit()
    msg = str(e.value)
    assert "step 1: the loss of task 'topic' is nan" in msg and "no checkpoint had been written yet" in msg
    assert "untouched" not in msg
    tr = trainer(backbone, None, eval_before=False, schedule="round_robin")
    with torch.no_grad():
        for p in tr.model.heads["topic"].parameters(): p.fill_(float("inf"))
    with pytest.raises(NonFiniteLossError, match="no checkpoint is written"): tr.fit()


def test_nonfinite_gradient_with_finite_loss_stops_before_the_step(backbone, tmp_path):
    "A finite loss whose gradients are NaN: the step is refused, weights and checkpoints stay finite."
    class PoisonGrads(TrainerCallback):
        def on_epoch_begin(self, epoch, ctx):
            if epoch == 1:
                for p in ctx.model.heads["ner"].parameters(): p.register_hook(lambda g: g * float("nan"))
    tr = trainer(backbone, tmp_path / "run", epochs=2, schedule="round_robin", callbacks=[PoisonGrads()], eval_before=False)
    with pytest.raises(NonFiniteLossError) as e: tr.fit()
    msg = str(e.value)
    n = tr.scheduler.steps_per_epoch()
    assert f"step {n + 2}: the gradient norm is nan although the loss is finite (task(s) ['ner']" in msg, msg
    assert f"(step {n}) is untouched" in msg
    assert all(torch.isfinite(p).all() for p in tr.model.parameters())   # the bad step was not applied
    fresh = ddp_worker.build(backbone)
    assert CheckpointManager.load(CheckpointManager(tmp_path / "run" / "checkpoints").latest(), fresh)[0].global_step == n
    assert all(torch.isfinite(p).all() for p in fresh.parameters())


def test_nan_loss_names_step_and_task_and_keeps_checkpoint(backbone, tmp_path):
    class Poison(TrainerCallback):
        def on_epoch_begin(self, epoch, ctx):
            if epoch == 1:
                with torch.no_grad():
                    for p in ctx.model.heads["topic"].parameters(): p.fill_(float("nan"))
    tr = trainer(backbone, tmp_path / "run", epochs=2, schedule="round_robin", callbacks=[Poison()], eval_before=False)
    with pytest.raises(NonFiniteLossError, match=r"step \d+: the loss of task 'topic' is nan") as e:
        tr.fit()
    steps_per_epoch = tr.scheduler.steps_per_epoch()
    assert f"step {steps_per_epoch + 1}:" in str(e.value)  # first step of epoch 2 (round robin starts with topic)
    ck = CheckpointManager(tmp_path / "run" / "checkpoints").latest()
    fresh = ddp_worker.build(backbone)
    state, _ = CheckpointManager.load(ck, fresh)
    assert state.global_step == steps_per_epoch
    assert all(torch.isfinite(p).all() for p in fresh.parameters())


def test_fit_history_best_and_outputs(backbone, tmp_path):
    tr = trainer(backbone, tmp_path / "run", epochs=2, eval_every=2, schedule="proportional", balancing="dwa",
                 precision="bf16", grad_accum=2, early_stopping_patience=100)
    after = tr.fit()
    h = tr.history
    assert set(h.columns) == {"step", "epoch", "split", "task", "metric", "value"}
    assert (h[(h.split == "validation") & (h.step == 0)].shape[0]) > 0  # before-training evaluation
    assert set(h[(h.split == "train") & (h.metric == "loss")].task) == {"topic", "ner"}
    assert tr.global_step == math.ceil(tr.scheduler.steps_per_epoch() / 2) * 2
    assert after["mean"] == pytest.approx(tr.best_metric)  # best weights restored at the end
    out = tmp_path / "run"
    for f in ("history.csv", "metrics.json", "history.png", "model/config.json", "best/config.json", "best/metrics.json"):
        assert (out / f).exists(), f
    # one weight format: model/, best/ and each checkpoint's model/ are all MultiTaskModel.save_pretrained folders
    ck = CheckpointManager(out / "checkpoints").latest()
    layout = lambda d: sorted(str(p.relative_to(d)) for p in d.rglob("*") if p.name != "metrics.json")
    assert layout(out / "model") == layout(out / "best") == layout(ck / "model")
    m = json.loads((out / "metrics.json").read_text())
    assert m["metrics_before"]["mean"] == pytest.approx(tr.metrics_before["mean"])
    lr = h[h.metric == "lr"].value.to_numpy()
    assert lr.max() <= 1e-3 + 1e-12 and lr[-1] == pytest.approx(0.0, abs=1e-12)  # warm-up then linear decay to 0
    # best/ loads on its own, and holds the weights the run ended with (best restored at the end)
    from mtst.training import load_best
    best = load_best(out)
    for (k, v), (k2, v2) in zip(sorted(best.state_dict().items()), sorted(tr.model.state_dict().items())):
        assert k == k2 and torch.equal(v, v2.cpu()), k
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []   # no temporaries left


def test_grad_accum_logs_the_mean_of_micro_batch_losses(backbone):
    logged = []
    class Spy:   # records each micro-batch loss as the trainer computes it
        def __init__(self, tr): self.tr, self.orig = tr, tr._step_batch
        def __call__(self, task, idx, **kw):
            out = self.orig(task, idx, **kw); logged.append(out); return out
    tr = trainer(backbone, schedule="sequential", grad_accum=2, eval_before=False)
    tr._step_batch = Spy(tr)
    tr.fit()
    h = tr.history
    first = h[(h.metric == "loss") & (h.step == 1)]
    assert list(first.task) == ["topic"]
    assert first.value.iloc[0] == pytest.approx((logged[0]["topic"] + logged[1]["topic"]) / 2)
    assert logged[0]["topic"] != logged[1]["topic"]


def test_replace_dir_always_leaves_a_folder(tmp_path):
    from mtst.training import replace_dir
    dst = tmp_path / "model"; dst.mkdir(); (dst / "v").write_text("old")
    new = tmp_path / ".new"; new.mkdir(); (new / "v").write_text("new")
    replace_dir(new, dst)
    assert (dst / "v").read_text() == "new" and sorted(p.name for p in tmp_path.iterdir()) == ["model"]
    new2 = tmp_path / ".new2"; new2.mkdir(); (new2 / "v").write_text("newer")
    replace_dir(new2, tmp_path / "fresh")
    assert (tmp_path / "fresh" / "v").read_text() == "newer"


def test_early_stopping_and_param_groups_hook(backbone):
    seen = []
    def groups(model):
        seen.append(True)
        return [{"params": [p for n, p in model.named_parameters() if n.startswith("heads.")], "lr": 0.0},
                {"params": [p for n, p in model.named_parameters() if not n.startswith("heads.")], "lr": 0.0}]
    epochs_started = []
    class Started(TrainerCallback):
        def on_epoch_begin(self, epoch, ctx): epochs_started.append(epoch)
    with pytest.warns(UserWarning, match="training.lr is 0"):
        tr = trainer(backbone, epochs=6, eval_every=1, early_stopping_patience=2, lr=0.0, warmup_ratio=0.0,
                     param_groups=groups, callbacks=[Started()], metric="topic/accuracy")
    backbone_w = tr.model.encoder.backbone.embeddings.word_embeddings.weight.detach().clone()
    tr.fit()
    assert seen and epochs_started == [0]  # stopped early inside epoch 0
    assert tr.global_step == 3  # lr 0: the first evaluation sets the best, two more without improvement stop
    assert torch.equal(backbone_w, tr.model.encoder.backbone.embeddings.word_embeddings.weight)


# ---------------------------------------------------------------- issues 13/14: weights, modes, resume, records
def test_partial_loss_weights_merge_with_the_tasks_own(backbone):
    from mtst.data import Task
    from mtst.encoder import SentenceEncoder
    from mtst.multitask import MultiTaskModel
    tasks = [Task("topic", "sequence", ("app", "store"), loss_weight=0.5), Task.for_entities("ner", ["STORE"], loss_weight=3.0)]
    model = MultiTaskModel(SentenceEncoder(backbone, max_length=32), tasks)
    tr = MultiTaskTrainer(model, ddp_worker.synthetic(24, 0), None, TrainConfig(loss_weights={"topic": 2.0}, progress=False))
    assert tr.balancer.weights() == {"topic": 2.0, "ner": 3.0}   # ner keeps its own 3.0 (was reset to 1)
    tr = MultiTaskTrainer(model, ddp_worker.synthetic(24, 0), None, TrainConfig(progress=False))
    assert tr.balancer.weights() == {"topic": 0.5, "ner": 3.0}


def test_evaluate_restores_each_modules_own_mode(backbone):
    tr = trainer(backbone)
    tr.model.train(); tr.model.encoder.backbone.eval()   # e.g. a frozen backbone kept in eval mode (no dropout)
    modes = {n: m.training for n, m in tr.model.named_modules()}
    tr.evaluate()
    assert {n: m.training for n, m in tr.model.named_modules()} == modes
    tr.model.eval(); tr.evaluate()
    assert not any(m.training for m in tr.model.modules())


def test_resume_refuses_nothing_and_differences_before_writing(backbone, tmp_path):
    from mtst.training import CheckpointError, ResumeError
    with pytest.raises(CheckpointError, match=r"checkpoints: nothing to resume \(no checkpoint there\)"):
        trainer(backbone, tmp_path / "new").fit(resume=True)
    assert not (tmp_path / "new").exists()   # nothing written
    with pytest.raises(CheckpointError, match="resume=True needs training.output_dir"): trainer(backbone).fit(resume=True)
    with pytest.raises(CheckpointError, match="not a checkpoint folder"): trainer(backbone, tmp_path / "x").fit(resume=tmp_path)
    out = tmp_path / "run"
    trainer(backbone, out, max_steps=2, eval_before=False).fit()
    record = (out / "train_config.json").read_bytes()
    with pytest.raises(ResumeError) as e:
        trainer(backbone, out, max_steps=3, lr=2e-3, batch_size=4, eval_before=False).fit(resume=True)
    msg = str(e.value)
    assert "training.lr: 0.001 in the checkpoint, 0.002 now" in msg and "training.batch_size: 8 in the checkpoint, 4 now" in msg
    assert "max_steps" not in msg.split(". A resume")[0]        # the budget may change
    assert (out / "train_config.json").read_bytes() == record    # the records were not touched
    with pytest.raises(ResumeError, match="training examples per task"):
        trainer(backbone, out, n_train=32, max_steps=3, eval_before=False).fit(resume=True)
    tr = trainer(backbone, out, max_steps=3, eval_before=False)
    tr.fit(resume=True)
    assert tr.global_step == 3 and json.loads((out / "train_config.json").read_text())["max_steps"] == 3


def test_damaged_checkpoint_files_are_named(backbone, tmp_path):
    from mtst.training import CheckpointError
    out = tmp_path / "run"
    trainer(backbone, out, max_steps=2, eval_before=False).fit()
    ck = CheckpointManager(out / "checkpoints").latest()
    state = (ck / "training_state.pt").read_bytes()
    (ck / "training_state.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match=f"{ck / 'training_state.pt'}: cannot read it"):
        trainer(backbone, out, max_steps=2).fit(resume=True)
    (ck / "training_state.pt").write_bytes(state); (ck / "model" / "heads.safetensors").write_bytes(b"\x00" * 32)
    with pytest.raises(CheckpointError, match=f"{ck / 'model'}: cannot read it"):
        trainer(backbone, out, max_steps=2).fit(resume=True)
    (out / "checkpoints" / "latest.json").write_text("{")
    with pytest.raises(CheckpointError, match="latest.json: not a valid checkpoint pointer"):
        trainer(backbone, out, max_steps=2).fit(resume=True)


def test_max_steps_stop_resumes_at_the_next_batch(backbone, tmp_path):
    "A run stopped by max_steps inside an epoch, resumed with a bigger budget, trains exactly the batches it skipped."
    def batches(tr):
        seen, orig = [], tr._step_batch
        def spy(task, idx, **kw): seen.append((task, list(idx))); return orig(task, idx, **kw)
        tr._step_batch = spy
        return seen
    kw = dict(epochs=1, schedule="temperature", eval_before=False)
    ref = trainer(backbone, tmp_path / "ref", **kw); ref_seen = batches(ref); ref.fit()
    n = ref.scheduler.steps_per_epoch()
    assert n > 3
    first = trainer(backbone, tmp_path / "run", max_steps=3, **kw); seen = batches(first); first.fit()
    meta = json.loads((CheckpointManager(tmp_path / "run" / "checkpoints").latest() / "trainer_state.json").read_text())
    assert (meta["epoch"], meta["position"], meta["global_step"]) == (0, 3, 3)   # not "epoch 1, position 0"
    second = trainer(backbone, tmp_path / "run", **kw); seen2 = batches(second); second.fit(resume=True)
    assert seen + seen2 == ref_seen and second.global_step == ref.global_step == n


# ---------------------------------------------------------------- real processes
def _wait_for(cond, timeout, what, proc=None):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if cond(): return
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"process ended before {what}: {proc.stderr.read()[-3000:] if proc.stderr else ''}")
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _worker_json(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def test_resume_after_kill9_matches_uninterrupted(backbone, tmp_path):
    """kill -9 a run mid-epoch, resume it in a new process whose model starts from different random heads,
    and check it ran only the remaining steps yet ends exactly like an uninterrupted run."""
    killed = tmp_path / "killed"
    args = [sys.executable, str(WORKER), "--backbone", backbone, "--epochs", "2"]
    proc = subprocess.Popen(args + ["--out", str(killed), "--step-sleep", "0.3"], env=_env("1"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def mid_epoch_checkpoint():
        try:
            ck = CheckpointManager(killed / "checkpoints").latest()
            meta = json.loads((ck / "trainer_state.json").read_text()) if ck else None
        except (OSError, ValueError): return False
        return bool(meta and meta["position"] > 0 and meta["global_step"] >= 4)
    try:
        _wait_for(mid_epoch_checkpoint, 180, "a mid-epoch checkpoint", proc)
        proc.send_signal(signal.SIGKILL); proc.wait(30)
    finally:
        if proc.poll() is None: proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert not (killed / "metrics.json").exists()  # it really died before finishing
    ck_step = json.loads((CheckpointManager(killed / "checkpoints").latest() / "trainer_state.json").read_text())["global_step"]
    # the reference runs only now, so the killed process never competed with it for the CPU; the same process then runs
    # the control (below), from the different heads and without the checkpoint: one process start instead of two
    other_args = args[2:] + ["--out", str(tmp_path / "other"), "--init-seed", "123"]
    both = subprocess.run(args + ["--out", str(tmp_path / "ref"), "--also", json.dumps([other_args])], env=_env("2"),
                          capture_output=True, text=True, timeout=300)
    assert both.returncode == 0, both.stderr[-3000:]
    ref, other = (json.loads(line) for line in both.stdout.strip().splitlines()[-2:])
    res = subprocess.run(args + ["--out", str(killed), "--resume", "--init-seed", "123"], env=_env("3"),
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    res = _worker_json(res.stdout)
    total = ref["steps"]
    assert ref["steps_run"] == total == 16
    assert 0 < ck_step < total and res["steps_run"] == total - ck_step   # it continued from the checkpoint
    assert {k: v for k, v in res.items() if k != "steps_run"} == {k: v for k, v in ref.items() if k != "steps_run"}
    assert (tmp_path / "ref" / "history.csv").read_text() == (killed / "history.csv").read_text()
    # and the test can fail: a run from the same different heads that ignores the checkpoint ends elsewhere
    assert other["metrics"] != ref["metrics"] or \
        (tmp_path / "other" / "history.csv").read_text() != (tmp_path / "ref" / "history.csv").read_text()


# ---------------------------------------------------------------- static weights under one task per step (issue: loss weights that mean something)
class _GradNorms:
    "Callback: each step's gradient norm before clipping."
    def __init__(self): self.norms = []
    def on_step_end(self, step, trainer): self.norms.append(float(trainer.grad_norm))


def _weighted_run(backbone, **kw):
    "A short run; returns (all parameters flattened, gradient norms, warnings raised by fit)."
    import warnings
    norms = _GradNorms()
    tr = trainer(backbone, eval_before=False, load_best_at_end=False, callbacks=[norms], **kw)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tr.fit()
    return torch.cat([p.detach().flatten() for p in tr.model.parameters()]), np.array(norms.norms), [str(w.message) for w in caught]


def test_constant_weight_cancels_with_one_task_per_step_and_clipping_but_acts_in_joint_steps(backbone):
    base, norms, _ = _weighted_run(backbone, max_grad_norm=0.1)
    up, norms5, warned = _weighted_run(backbone, max_grad_norm=0.1, loss_weights={"topic": 5.0})
    assert (norms > 0.1).all() and (norms5 > 0.1).all()   # every step clipped: the premise of the equality
    assert float((up - base).abs().max()) < 1e-6
    assert len(warned) == 1 and warned[0].startswith("static loss weights {'topic': 5.0, 'ner': 1.0} have little or no effect")
    joint, _, _ = _weighted_run(backbone, max_grad_norm=0.1, schedule="joint")
    joint5, _, warned = _weighted_run(backbone, max_grad_norm=0.1, schedule="joint", loss_weights={"topic": 5.0})
    assert float((joint5 - joint).abs().max()) > 1e-4 and warned == []


@pytest.mark.parametrize("kw, warns", [
    (dict(loss_weights={"topic": 1.0, "ner": 5.0}), True),
    (dict(loss_weights={"topic": 1.0, "ner": 5.0}, schedule="round_robin"), True),
    (dict(loss_weights={"topic": 2.0, "ner": 2.0}), False),                    # equal weights: a common scale
    (dict(loss_weights={"topic": 0.0, "ner": 5.0}), False),                    # a zero weight switches a task off
    (dict(loss_weights={"topic": 1.0, "ner": 5.0}, schedule="joint"), False),
    (dict(loss_weights={"topic": 1.0, "ner": 5.0}, grad_accum=2), False),      # a step may mix tasks
    (dict(loss_weights={"topic": 1.0, "ner": 5.0}, max_grad_norm=None), False),
    (dict(loss_weights={"topic": 1.0, "ner": 5.0}, weights_act_on="lr"), False),
    (dict(loss_weights={"topic": 1.0, "ner": 5.0}, balancing="dwa"), False),
    (dict(loss_weights={"topic": 1.0, "ner": 5.0}, balancing="uncertainty"), False),
])
def test_inert_weight_warning_fires_exactly_when_weights_cannot_act(kw, warns):
    from mtst.training import inert_loss_weights
    kw = dict(kw)
    note = inert_loss_weights({"topic": 1.0, "ner": 1.0, **kw.pop("loss_weights")}, TrainConfig(**kw))
    assert (note is not None) == warns
    if warns:
        assert "\n" not in note and "schedule 'joint'" in note and "weights_act_on='lr'" in note


def test_inert_weight_warning_reads_the_tasks_own_weights_once_per_fit(backbone):
    import warnings
    from mtst.data import Task
    from mtst.encoder import SentenceEncoder
    from mtst.multitask import MultiTaskModel
    tasks = [Task("topic", "sequence", ("app", "store"), loss_weight=0.5), Task.for_entities("ner", ["STORE"])]
    model = MultiTaskModel(SentenceEncoder(backbone, max_length=32), tasks)
    tr = MultiTaskTrainer(model, ddp_worker.synthetic(24, 0), None,
                          TrainConfig(epochs=2, batch_size=8, progress=False, eval_before=False))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tr.fit()
    msgs = [str(w.message) for w in caught if "loss weights" in str(w.message)]
    assert len(msgs) == 1 and "{'topic': 0.5, 'ner': 1.0}" in msgs[0], msgs


def test_weights_act_on_lr_scales_each_steps_learning_rate(backbone):
    first = trainer(backbone).scheduler.plan(0)[0][0]   # the task of the first step
    start = torch.cat([p.detach().flatten() for p in ddp_worker.build(backbone).parameters()])
    def one_step(weight, act_on):
        p, _, warned = _weighted_run(backbone, max_steps=1, warmup_ratio=0.0, max_grad_norm=0.01,   # (the step is clipped)
                                     loss_weights={first: weight}, weights_act_on=act_on)
        assert warned == [] or act_on == "loss"
        return p - start
    # like a loss weight under plain SGD: the step of a task weighted 5 moves every parameter 5 times as far
    d1, d5 = one_step(1.0, "lr"), one_step(5.0, "lr")
    assert float(d1.abs().max()) > 1e-4 and float((d5 - 5 * d1).abs().max()) < 1e-6
    assert float((one_step(5.0, "loss") - d1).abs().max()) < 1e-6   # as a loss weight (clipped step): no effect
    # over whole runs: equal weights change nothing, a weight acts
    loss_run, _, _ = _weighted_run(backbone, epochs=2)
    lr_equal, _, _ = _weighted_run(backbone, epochs=2, weights_act_on="lr", loss_weights={"topic": 1.0, "ner": 1.0})
    lr_up, _, _ = _weighted_run(backbone, epochs=2, weights_act_on="lr", loss_weights={"topic": 5.0})
    assert torch.equal(lr_equal, loss_run) and float((lr_up - loss_run).abs().max()) > 1e-3
    for kw, msg in [(dict(schedule="joint"), "one task per step"), (dict(balancing="dwa"), "static balancing"),
                    (dict(weights_act_on="gradient"), "training.weights_act_on: unknown 'gradient'")]:
        with pytest.raises(ValueError, match=msg): TrainConfig(**{"weights_act_on": "lr", **kw})


def test_cli_prints_the_inert_weight_warning_in_one_line(backbone, tmp_path, capsys):
    from mtst.cli import main
    cfg = ddp_worker.write_tiny_config(tmp_path / "cfg", backbone, validation=False, loss_weights={"ner": 5.0}, max_steps=1)
    assert main(["train", cfg, "--output-dir", str(tmp_path / "run"), "--no-progress"]) == 0
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("mtst: warning: static loss weights {'topic': 1.0, 'ner': 5.0}"), err


# ---------------------------------------------------------------- multi-task vs single-task (mtst.course.compare)
def test_train_and_score_reports_the_curve_it_trained(backbone):
    "Epochs run, the one kept and each task's last validation gain come from the run's own history."
    from mtst.course.compare import multi_vs_single, train_and_score
    tasks = ddp_worker.tiny_tasks()
    train, val = ddp_worker.synthetic(24, 0), ddp_worker.synthetic(12, 1)
    from mtst.encoder import SentenceEncoder
    from mtst.multitask import MultiTaskModel
    def make(ts): return MultiTaskModel(SentenceEncoder(backbone, max_length=32), ts)
    fixed = TrainConfig(epochs=3, batch_size=8, lr=1e-3, progress=False, eval_before=False, load_best_at_end=False)
    r = train_and_score(make, tasks, train, val, fixed)
    assert (r["_evaluations"], r["_best"]) == (3, 3)   # no early stopping, the last weights scored
    for t in tasks: assert math.isfinite(r[t.name]["last gain"])
    stop = TrainConfig(epochs=6, batch_size=8, lr=1e-3, progress=False, eval_before=False, early_stopping_patience=1)
    r = train_and_score(make, tasks, train, val, stop)
    assert 1 <= r["_best"] <= r["_evaluations"] <= 6 and (r["_evaluations"] == 6 or r["_evaluations"] == r["_best"] + 1)
    one = TrainConfig(epochs=1, batch_size=8, lr=1e-3, progress=False, eval_before=False)
    row = multi_vs_single(make, tasks, train, val, one, seeds=[0])[0]
    assert all(math.isnan(row[f"{k} gain/{t.name}"]) for k in ("multi", "single") for t in tasks)   # one epoch: no curve
    assert row["multi evaluations"] == 1 and all(row[f"single evaluations/{t.name}"] == 1 for t in tasks)


# ---------------------------------------------------------------- several processes agree (issue: runs that hold on several processes)
def test_two_processes_one_launch(backbone, tmp_path):
    """2 CPU processes started by `accelerate launch` (gloo), five runs in one launch (start-up is most of a tiny run's cost):
    1. DDP: a callback unfreezes the backbone at epoch 2 (DDP had wrapped only the heads, so the trainer wraps again),
       grad_accum=2 over micro-batches of two tasks (round robin, no_sync): both processes end with bit-identical
       weights, and only rank 0 writes.
    2. A callback on process 1 alone asks to stop after step 5: both stop there (the flag is all-reduced), and both end
       with process 0's best weights (step 4, the only evaluation), which only process 0 kept.
    3. PCGrad averages its own gradients under DDP (autograd.grad skips DDP's hooks): both processes bit-identical.
    4. Per-task LoRA adapters under DDP (joint steps: one encoder pass per task): connected and bit-identical.
       A similarity task over sentence pairs beside the others (each process's shard keeps its pairs whole): the same.
    5. Last, since it ends the launch: process 1's heads turn NaN after step 2; both processes stop at step 3 with the
       same one-line error naming process 1, and the run folder gets no model, metrics or best weights (process 0
       does not train on alone)."""
    def run(name, *args):
        return ["--backbone", backbone, "--out", tmp_path / name, "--weights-out", tmp_path / f"{name}-w", *args]
    first = run("ddp", "--epochs", "2", "--n-train", "32", "--grad-accum", "2", "--schedule", "round_robin", "--unfreeze-at", "1")
    also = [run("stop", "--epochs", "2", "--schedule", "round_robin", "--stop", "1", "5"),
            run("pcgrad", "--epochs", "1", "--n-train", "32", "--grad-accum", "2", "--schedule", "joint", "--balancing", "pcgrad"),
            run("lora", "--epochs", "1", "--n-train", "32", "--schedule", "joint", "--lora", "4", "--lora-per-task"),
            run("pairs", "--epochs", "1", "--n-train", "24", "--schedule", "joint", "--pairs"),
            run("nan", "--epochs", "1", "--schedule", "round_robin", "--poison", "1", "2")]
    res = ddp_worker.launch_two(first + ["--also", json.dumps([[str(x) for x in a] for a in also])], timeout=300)
    assert res.returncode != 0, "the last run fails on purpose"

    def ranks(name, ext="json"):
        paths = [Path(f"{tmp_path / name}-w.rank{r}.{ext}") for r in (0, 1)]
        assert all(p.exists() for p in paths), f"run '{name}' left no result: {res.stderr[-3000:]}"
        return [json.loads(p.read_text()) if ext == "json" else p.read_text() for p in paths]
    # 1. DDP, unfreezing, accumulation
    r0, r1 = ranks("ddp")
    assert r0["world"] == r1["world"] == 2 and r0["steps"] == r1["steps"] > 2
    assert r0["connected"] and r1["connected"]   # one DDP run, not two processes training alone (issue: Accelerate cpu=True)
    assert r0["encoder_changed"] and r1["encoder_changed"]   # the unfrozen backbone trained
    assert r0["digest"] == r1["digest"]
    assert (tmp_path / "ddp" / "metrics.json").exists()
    # only rank 0 writes: the audit hook saw rank 0 create the run's files, and rank 1 touch nothing there
    written = {Path(p).name for _, p in r0["writes"]}
    assert {"metrics.json", "train_config.json", "latest.json"} <= {n.split(".tmp-")[0].lstrip(".") for n in written} | written
    assert r1["writes"] == [], r1["writes"]
    # 2. a stop asked on one process
    r0, r1 = ranks("stop")
    assert r0["steps"] == r1["steps"] == 5 and r0["steps_run"] == r1["steps_run"] == 5
    assert r0["digest"] == r1["digest"]
    assert json.loads((tmp_path / "stop" / "metrics.json").read_text())["best_step"] == 4
    # 3. PCGrad and 4. per-task LoRA adapters
    for name in ("pcgrad", "lora", "pairs"):
        r0, r1 = ranks(name)
        assert r0["world"] == r1["world"] == 2 and r0["connected"] and r1["connected"], name
        assert r0["steps"] == r1["steps"] >= 2 and r0["digest"] == r1["digest"], name
    assert "spearman" in json.loads((tmp_path / "pairs" / "metrics.json").read_text())["metrics_after"]["sts"]
    # 5. NaN on one process
    said = ranks("nan", "error")
    assert said[0] == said[1], said
    assert said[0].startswith("NonFiniteLossError: step 3: the loss of task ") and " is nan on process 1 of 2 " in said[0]
    assert "\n" not in said[0]
    assert not (tmp_path / "nan" / "metrics.json").exists() and not (tmp_path / "nan" / "model").exists()


def _kill_tree(pid: int) -> None:
    "kill -9 a launcher and every process under it (torch's launcher starts each worker in a session of its own)."
    import psutil
    root = psutil.Process(pid)
    for p in root.children(recursive=True) + [root]:
        try: p.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess: pass


def test_two_process_resume_after_kill9_with_uneven_shards(backbone, tmp_path):
    """Batches of 7 split 4 + 3 over two processes, so their random generators drift apart (dropout draws); kill -9
    both mid-epoch, resume from different random heads: every process ends with the uninterrupted run's weights."""
    common = ["--backbone", backbone, "--epochs", "1", "--batch-size", "7", "--n-train", "40", "--schedule", "round_robin"]
    killed = tmp_path / "killed"
    launch = ddp_worker.launch_command()
    proc = subprocess.Popen(launch + [str(a) for a in common + ["--out", killed, "--step-sleep", "0.3"]], env=ddp_worker.subprocess_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def mid_epoch_checkpoint():
        try:
            ck = CheckpointManager(killed / "checkpoints").latest()
            meta = json.loads((ck / "trainer_state.json").read_text()) if ck else None
        except (OSError, ValueError): return False
        return bool(meta and meta["position"] > 0 and meta["global_step"] >= 4)
    try:
        _wait_for(mid_epoch_checkpoint, 180, "a mid-epoch checkpoint", proc)
        _kill_tree(proc.pid); proc.wait(30)
    finally:
        if proc.poll() is None: _kill_tree(proc.pid)
    assert not (killed / "metrics.json").exists()
    # one launch (start-up is most of a tiny run's cost): the uninterrupted reference, then the resumed run, which
    # starts from the killed run's checkpoint in these new processes
    resumed = [str(a) for a in common + ["--out", killed, "--resume", "--init-seed", "123", "--weights-out", tmp_path / "res-w"]]
    res = ddp_worker.launch_two(common + ["--out", tmp_path / "ref", "--weights-out", tmp_path / "ref-w", "--also", json.dumps([resumed])])
    assert res.returncode == 0, res.stderr[-3000:]
    for r in (0, 1):
        a, b = (json.loads(Path(f"{tmp_path / w}.rank{r}.json").read_text()) for w in ("ref-w", "res-w"))
        assert 0 < b["steps_run"] < a["steps_run"] and a["steps"] == b["steps"]
        assert a["digest"] == b["digest"], f"process {r}: the resumed run ends elsewhere"
