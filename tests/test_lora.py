"""LoRA through peft (lesson 03a): training resumes exactly from a checkpoint, two processes end identical, and the
saved adapter round-trips. The lesson itself checks parameter counts, the unpadded forward, peft and
sentence-transformers loading."""
import json
from pathlib import Path

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


def _run(backbone, out, resume=False, stop_at=None, init_seed=0):
    model = add_lora(ddp_worker.build(backbone, init_seed), r=4, alpha=8, dropout=0.1)
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


def test_two_process_lora_run_ends_identical(backbone, tmp_path):
    wout = tmp_path / "w"
    res = ddp_worker.launch_two(["--backbone", backbone, "--out", tmp_path / "run", "--weights-out", wout, "--epochs", "1",
                                 "--n-train", "32", "--schedule", "round_robin", "--lora", "4"])
    assert res.returncode == 0, res.stderr[-3000:]
    r0, r1 = (json.loads(Path(f"{wout}.rank{r}.json").read_text()) for r in (0, 1))
    assert r0["connected"] and r1["connected"] and r0["steps"] == r1["steps"] >= 2 and r0["digest"] == r1["digest"]
