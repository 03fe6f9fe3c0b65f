"""LoRA through peft (lesson 03a): training resumes exactly from a checkpoint (two processes: test_training.py), and the
saved adapter round-trips. The lesson itself checks parameter counts, the unpadded forward, peft and
sentence-transformers loading."""
import math
from pathlib import Path

import pytest
import torch

import ddp_worker
from mtst.lora import add_lora, has_lora
from mtst.training import MultiTaskTrainer, TrainConfig


class _Stop(Exception): pass


class _StopAt:
    "Callback: the process 'dies' right after optimizer step `n`."
    def __init__(self, n): self.n = n
    def on_step_end(self, step, trainer):
        if step == self.n: raise _Stop(step)


def _run(backbone, out, resume=False, stop_at=None, init_seed=0, per_task=False):
    model = add_lora(ddp_worker.build(backbone, init_seed), r=4, alpha=8, dropout=0.1, per_task=per_task)
    cfg = TrainConfig(epochs=2, batch_size=8, lr=2e-3, schedule="round_robin", save_every=2, output_dir=str(out),
                      progress=False, eval_before=False, seed=1, callbacks=[_StopAt(stop_at)] if stop_at else [])
    tr = MultiTaskTrainer(model, ddp_worker.synthetic(40, 0), ddp_worker.synthetic(16, 1), cfg)
    try: tr.fit(resume=resume)
    except _Stop: pass
    return tr


def _weights(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_lora_run_resumes_exactly_and_trains_only_the_adapter_and_heads(backbone, tmp_path):
    ref = _run(backbone, tmp_path / "ref")
    start = _weights(add_lora(ddp_worker.build(backbone, 0), r=4, alpha=8))
    end = _weights(ref.model)
    changed = {k for k in end if not torch.equal(end[k], start[k])}
    assert changed and all(".lora_" in k or k.startswith("heads.") for k in changed), sorted(changed)[:5]
    assert any(".lora_B" in k for k in changed)   # B left zero: the adapter really trained
    _run(backbone, tmp_path / "cut", stop_at=5)
    resumed = _run(backbone, tmp_path / "cut", resume=True, init_seed=123)   # other heads: the checkpoint must win
    assert resumed.global_step == ref.global_step
    assert all(torch.equal(v, end[k]) for k, v in _weights(resumed.model).items())
    assert has_lora(resumed.model) and (tmp_path / "ref" / "model" / "encoder" / "adapter" / "adapter_config.json").is_file()


def test_per_task_adapters_train_resume_and_round_trip(backbone, tmp_path):
    """Per-task adapters plus the shared one: each task's adapter trains on its own batches only (round robin), a resumed
    run ends exactly like the uninterrupted one, and the saved model reloads every adapter with the same predictions."""
    from mtst.multitask import MultiTaskModel
    ref = _run(backbone, tmp_path / "ref", per_task=True)
    start = _weights(add_lora(ddp_worker.build(backbone, 0), r=4, alpha=8, per_task=True))
    end = _weights(ref.model)
    changed = {k for k in end if not torch.equal(end[k], start[k])}
    for adapter in ("default", "topic", "ner"):
        assert any(f".lora_B.{adapter}." in k for k in changed), adapter
    _run(backbone, tmp_path / "cut", stop_at=5, per_task=True)
    resumed = _run(backbone, tmp_path / "cut", resume=True, init_seed=123, per_task=True)
    assert all(torch.equal(v, end[k]) for k, v in _weights(resumed.model).items())
    back = MultiTaskModel.from_pretrained(tmp_path / "ref" / "model")
    assert sorted(back.encoder.backbone.peft_config) == ["default", "ner", "topic"]
    texts = ["pay at the store today", "the app is slow"]
    assert back.predict(texts) == ref.model.eval().predict(texts)


# Per-task adapters under DDP (2 processes, bit-identical): tests/test_training.py::test_two_processes_one_launch, run 4.


@pytest.mark.parametrize("kw", [dict(schedule="joint", balancing="pcgrad"), dict(schedule="joint", balancing="famo"),
                                dict(schedule="proportional", grad_accum=2, precision="bf16"),
                                dict(schedule="temperature", balancing="uncertainty")])
def test_per_task_adapters_under_every_kind_of_step(backbone, kw):
    "PCGrad, FAMO, accumulation with bf16 autocast, uncertainty weighting: finite losses, and the adapters train."
    model = add_lora(ddp_worker.build(backbone, 0), r=4, alpha=8, per_task=True)
    before = _weights(model)
    tr = MultiTaskTrainer(model, ddp_worker.synthetic(24, 0), None,
                          TrainConfig(epochs=1, max_steps=3, batch_size=8, lr=2e-3, progress=False, eval_before=False, seed=0, **kw))
    tr.fit()
    losses = tr.history.query("split == 'train' and metric == 'loss'").value
    assert tr.global_step == 3 and len(losses) and losses.map(math.isfinite).all()
    assert any(".lora_B." in k and not torch.equal(v, before[k]) for k, v in _weights(tr.model).items())


def test_push_to_hub_carries_the_adapters(backbone, tmp_path, monkeypatch):
    "push_to_hub uploads the folder save_pretrained writes: the adapters (peft format) go with it (the Hub call is faked)."
    import importlib
    hub_mixin = importlib.import_module("huggingface_hub.hub_mixin")
    sent = {}
    class FakeApi:
        def __init__(self, *a, **k): pass
        def create_repo(self, repo_id, **k): return type("R", (), {"repo_id": repo_id})()
        def upload_folder(self, repo_id, folder_path, **k):
            sent[repo_id] = sorted(str(p.relative_to(folder_path)) for p in Path(folder_path).rglob("*") if p.is_file())
    monkeypatch.setattr(hub_mixin, "HfApi", FakeApi)
    model = add_lora(ddp_worker.build(backbone, 0), r=4, alpha=8, per_task=True)
    model.push_to_hub("someone/mtst-lora")
    files = sent["someone/mtst-lora"]
    for adapter in ("", "ner/", "topic/"):   # peft's layout: the default adapter at the top, the named ones in sub-folders
        assert f"encoder/adapter/{adapter}adapter_config.json" in files and f"encoder/adapter/{adapter}adapter_model.safetensors" in files, files
