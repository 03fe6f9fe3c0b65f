"""Unit tests of mtst.training.gradients: the PCGrad projection, PCGrad and FAMO inside the trainer (one task = static, exact resume,
gradient accumulation; 2 processes in test_training.py), and GradientConflicts (it logs, and changes nothing in the run). Tiny random BERT."""

import numpy as np
import pytest
import torch

import ddp_worker
from mtst.training.gradients import FAMO, GradientConflicts, PCGrad, conflict_summary, layer_group, pcgrad_project
from mtst.training import LossBalancer, MultiTaskTrainer, TrainConfig, make_balancer



def run(backbone, tasks=None, out=None, callbacks=(), **kw):
    cfg = dict(epochs=2, batch_size=8, lr=1e-3, progress=False, seed=0, schedule="joint", eval_before=False,
               output_dir=str(out) if out else None, callbacks=list(callbacks))
    cfg.update(kw)
    model = ddp_worker.build(backbone)
    train, val = ddp_worker.synthetic(24, 0), ddp_worker.synthetic(12, 1)
    if tasks is not None:   # a model with fewer tasks: its examples keep only those labels
        from mtst.multitask import MultiTaskModel
        model = MultiTaskModel(model.encoder, [t for t in model.tasks.values() if t.name in tasks])
        from dataclasses import replace
        train, val = ([replace(e, labels={k: v for k, v in e.labels.items() if k in tasks}) for e in d] for d in (train, val))
    tr = MultiTaskTrainer(model, train, val, TrainConfig(**cfg))
    tr.fit()
    return tr


def flat(model): return torch.cat([p.detach().flatten() for p in model.parameters()])


def test_pcgrad_project_properties():
    g = torch.randn(3, 50, generator=torch.Generator().manual_seed(0))
    g[1] = -g[0] + 0.1 * g[1]   # a strong conflict
    proj, n = pcgrad_project(g, torch.Generator().manual_seed(1))
    assert n == int((torch.triu(g @ g.T, 1) < 0).sum()) >= 1
    two, _ = pcgrad_project(g[:2])
    assert float(two[0] @ g[1]) == pytest.approx(0, abs=1e-4) and float(two[1] @ g[0]) == pytest.approx(0, abs=1e-4)
    ok = torch.eye(3, 5)   # orthogonal: nothing to project
    assert torch.equal(pcgrad_project(ok)[0], ok) and pcgrad_project(ok)[1] == 0


def test_balancer_factory_and_errors():
    assert type(make_balancer(["a"], "static")) is LossBalancer
    assert isinstance(make_balancer(["a", "b"], "pcgrad"), PCGrad) and isinstance(make_balancer(["a", "b"], "famo"), FAMO)
    with pytest.raises(ValueError, match="acts on gradients"): LossBalancer(["a"], "pcgrad")
    for b in ("pcgrad", "famo"):
        with pytest.raises(ValueError, match=rf"training.balancing='{b}' .* needs schedule='joint', but schedule='proportional'"):
            TrainConfig(balancing=b)
    with pytest.raises(ValueError, match="training.conflicts_every must be a positive integer or null, got 0"):
        TrainConfig(conflicts_every=0)


def test_pcgrad_with_one_task_is_static(backbone):
    "With one task there is nothing to project: PCGrad's per-task backward must give the very gradients of the plain backward."
    a = run(backbone, tasks=["topic"], balancing="static", grad_accum=2)
    b = run(backbone, tasks=["topic"], balancing="pcgrad", grad_accum=2)
    assert torch.allclose(flat(a.model), flat(b.model), atol=1e-6)
    assert b.balancer.steps == 0   # never two tasks in a step


def test_pcgrad_and_famo_train_and_differ(backbone):
    s = run(backbone, balancing="static")
    p = run(backbone, balancing="pcgrad")
    f = run(backbone, balancing="famo")
    assert p.balancer.steps == p.global_step > 0 and p.balancer.pairs >= p.balancer.conflict_steps
    assert not torch.allclose(flat(s.model), flat(f.model))
    w = f.balancer.weights()
    assert sum(w.values()) == pytest.approx(len(w)) and w != {t: 1.0 for t in w}   # FAMO moved its weights
    logged = f.history.query("metric == 'weight'")
    assert set(logged.task) == set(w) and len(logged) == 2 * len(w)   # one row per task and epoch


@pytest.mark.parametrize("method", ["famo", "pcgrad"])
def test_resume_is_exact(backbone, tmp_path, method):
    "Interrupted after step 4 and resumed: the same weights and FAMO logits as the run that never stopped."
    class Crash:
        def on_step_end(self, step, trainer):
            if step == 4: raise KeyboardInterrupt
    ref = run(backbone, out=tmp_path / "ref", balancing=method, save_every=2, conflicts_every=3)
    with pytest.raises(KeyboardInterrupt):
        run(backbone, out=tmp_path / "cut", balancing=method, save_every=2, conflicts_every=3, callbacks=[Crash()])
    cfg = dict(epochs=2, batch_size=8, lr=1e-3, progress=False, seed=0, schedule="joint", eval_before=False,
               output_dir=str(tmp_path / "cut"), balancing=method, save_every=2, conflicts_every=3)
    tr = MultiTaskTrainer(ddp_worker.build(backbone, 7), ddp_worker.synthetic(24, 0), ddp_worker.synthetic(12, 1), TrainConfig(**cfg))
    tr.fit(resume=True)
    assert torch.allclose(flat(tr.model), flat(ref.model), atol=1e-6)
    for k, v in ref.balancer.state_dict().items(): assert torch.allclose(v, tr.balancer.state_dict()[k], atol=1e-6)
    if method == "pcgrad": assert (tr.balancer.steps, tr.balancer.pairs) == (ref.balancer.steps, ref.balancer.pairs)
    cos = lambda t: t.history[t.history.metric.str.startswith("cos/")].reset_index(drop=True)   # conflicts_every: logged once per step
    assert len(cos(ref)) > 0 and cos(tr)[["step", "task", "metric"]].equals(cos(ref)[["step", "task", "metric"]])
    assert np.allclose(cos(tr).value, cos(ref).value, atol=1e-5)


def test_gradient_conflicts_logs_and_changes_nothing(backbone):
    cb = GradientConflicts(every=2, probe=4)
    a = run(backbone, balancing="pcgrad", callbacks=[cb])
    b = run(backbone, balancing="pcgrad")
    assert torch.equal(flat(a.model), flat(b.model))
    h = a.history
    mine = h.metric.str.startswith(("cos/", "grad_norm/"))
    assert h[~mine].reset_index(drop=True).equals(b.history)   # the run's own rows are identical
    cos = h[h.metric.str.startswith("cos/")]
    assert set(cos.task) == {"topic|ner"} and cos.value.between(-1, 1).all()
    steps = sorted(set(cos.step))
    assert steps[0] == 0 and all(s % 2 == 0 for s in steps) and len(steps) == 1 + a.global_step // 2
    summary = conflict_summary(h)
    assert summary.loc[("topic|ner", "all"), "measurements"] == len(steps)
    assert "pooler" not in {g for _, g in summary.index}   # a group no task reaches has no cosine
    assert layer_group("encoder.backbone.encoder.layer.1.attention.self.query.weight") == "layer.1"


# PCGrad under DDP (2 processes, bit-identical): tests/test_training.py::test_two_processes_one_launch, run 3.

