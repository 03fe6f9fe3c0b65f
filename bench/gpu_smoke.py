"""GPU smoke check: the course's multi-task training on a CUDA machine, self-checking, a few minutes at most.

    python bench/gpu_smoke.py [--model FOLDER_OR_HUB_ID] [--steps 40] [--allow-cpu]

The default model is the course's embedded all-MiniLM-L6-v2 (no Hub needed); `--model` takes a local folder or,
with the Hub reachable, a Hub id such as bert-base-uncased. On one CUDA GPU (skipped parts say so):

0. the unpadded BERT forward (`mtst.unpad`) on the device against the standard forward: outputs in eval mode; outputs
   and every parameter's gradient in train mode (dropout off), in fp32 and under autocast (fp16 and bf16 on CUDA, bf16
   on the CPU); and its speed-up on a forward + backward;
1. `fp32`, `bf16` and `fp16` (GradScaler) training of all three shipped tasks on the shared encoder, `joint`
   schedule: the model and every batch are on the GPU, the loss is finite and falls, steps/s and peak memory;
2. exact resume on the device, in fp32 and in mixed precision (fp16 with its scaler on CUDA, bf16 on the CPU): a run
   stopped at half the steps and resumed ends with the same history as an uninterrupted one (within 1e-4, 1e-3
   mixed: cuBLAS may reorder sums);
3. the trained model saves, loads on the CPU and predicts there;
4. PCGrad and FAMO (lesson 04b) and per-task LoRA adapters (lesson 03a) train on the device under fp16 (bf16 on the
   CPU): finite losses that fall, FAMO's weights move, their step time and (CUDA) peak memory relative to the static
   run of part 1;
5. the inference commands on the device: `mtst train` (a few steps of configs/example.yaml), then `mtst evaluate`,
   `mtst predict` and `mtst encode` with `--device`; the embeddings equal the CPU's within 1e-3;
6. with 2 or more GPUs: `torchrun --nproc_per_node 2 -m mtst.cli train configs/example.yaml` (NCCL) exits 0.

Exit status 0 when every check passes, 1 otherwise, 2 without a GPU. `--allow-cpu` runs the same checks on the
CPU (bf16 autocast, no fp16): that is how this script is tested on machines without a GPU.
"""
from __future__ import annotations

import argparse
import math
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
failures: list[str] = []


def check(ok: bool, what: str) -> None:
    print(f"  [{'ok' if ok else 'FAIL'}] {what}", flush=True)
    if not ok: failures.append(what)


class Interrupted(Exception): pass


class StopAt:
    "Callback: the process 'dies' right after optimizer step `n` (before that step's checkpoint would be written)."
    def __init__(self, n: int): self.n = n
    def on_step_end(self, step, trainer):
        if step == self.n: raise Interrupted(step)


def train(model_name: str, steps: int, precision: str, out: Path, resume: bool = False, stop_at: int | None = None,
          balancing: str = "static", lora: bool = False):
    from mtst.data import load_shipped, shipped_tasks
    from mtst.encoder import SentenceEncoder
    from mtst.multitask import MultiTaskModel
    from mtst.training import MultiTaskTrainer, TrainConfig, set_seed
    set_seed(0)
    tasks = shipped_tasks()
    model = MultiTaskModel(SentenceEncoder(model_name, normalize=False), tasks)
    if lora:   # per-task LoRA adapters beside a shared one (lesson 03a): one encoder pass per task in a joint step
        from mtst.lora import add_lora
        add_lora(model, r=8, alpha=16, per_task=True)
    cfg = TrainConfig(epochs=100, max_steps=steps, batch_size=16, lr=5e-5, head_lr=5e-3, max_length=64,
                      schedule="joint", balancing=balancing, precision=precision, eval_before=False, eval_every=steps, save_every=max(1, steps // 2),
                      output_dir=str(out), progress=False, seed=0, callbacks=[StopAt(stop_at)] if stop_at else [])
    tr = MultiTaskTrainer(model, load_shipped("train"), load_shipped("validation")[:64], cfg)
    t0 = time.perf_counter()
    tr.fit(resume=resume)
    return tr, time.perf_counter() - t0


def unpad_check(model_name: str, dev: str) -> None:
    "The unpadded forward against the standard one on `dev`: same outputs at the real tokens; speed of forward + backward."
    import torch
    from mtst.data import load_shipped
    from mtst.encoder import SentenceEncoder
    from mtst.unpad import unpad_reason
    enc = SentenceEncoder(model_name).to(dev)
    reason = unpad_reason(enc.backbone)
    if reason: print(f"  [skip] unpadded forward: {reason}"); return
    b = enc.tokenizer([e.text for e in load_shipped("train")[:64]], padding=True, truncation=True, max_length=64,
                      return_tensors="pt").to(dev)
    ids, am, m = b["input_ids"], b["attention_mask"], b["attention_mask"].bool()
    with torch.inference_mode():
        enc.unpad = False; ref = enc.embed_tokens(ids, am)
        enc.unpad = True; got = enc.embed_tokens(ids, am)
    d = ((ref[m] - got[m]).abs().max() / ref[m].abs().max()).item()
    check(d < 1e-3, f"unpadded forward on {dev}: largest difference {d:.1e} of the largest output, against the standard forward")
    enc.train()
    drops = [mod for mod in enc.modules() if isinstance(mod, torch.nn.Dropout)]
    for mod in drops: mod.p, mod.p_saved = 0.0, mod.p   # train mode without randomness: both forwards comparable
    for dtype in [None] + ([torch.float16, torch.bfloat16] if dev == "cuda" else [torch.bfloat16]):
        outs, grads = {}, {}
        for flag in (False, True):
            enc.unpad = flag; enc.zero_grad(set_to_none=True)
            with torch.autocast(dev, dtype=dtype or torch.bfloat16, enabled=dtype is not None):
                out = enc.embed_tokens(ids, am)[m].float()
            out.square().mean().backward()
            outs[flag] = out.detach()
            grads[flag] = torch.cat([(p.grad if p.grad is not None else torch.zeros_like(p)).flatten().float()
                                     for p in enc.parameters() if p.requires_grad])
        d_out = ((outs[True] - outs[False]).abs().max() / outs[False].abs().max()).item()
        d_grad = ((grads[True] - grads[False]).norm() / grads[False].norm()).item()
        tol, name = (1e-3, "fp32") if dtype is None else (5e-2, f"autocast {str(dtype).split('.')[-1]}")
        check(d_out < tol and d_grad < tol, f"unpadded forward, train mode, {name}: outputs within {d_out:.1e}, gradients within "
                                            f"{d_grad:.1e} (relative norm) of the standard forward's (tolerance {tol:g})")
    for mod in drops: mod.p = mod.p_saved
    enc.zero_grad(set_to_none=True)
    def timed(flag: bool) -> float:
        enc.unpad = flag
        if dev == "cuda": torch.cuda.synchronize()
        t0 = time.perf_counter()
        for _ in range(3): enc.embed_tokens(ids, am)[m].square().mean().backward()
        if dev == "cuda": torch.cuda.synchronize()
        enc.zero_grad(set_to_none=True)
        return time.perf_counter() - t0
    timed(True); timed(False)   # warm-up
    std, unp = min(timed(False) for _ in range(3)), min(timed(True) for _ in range(3))
    print(f"  unpadded forward + backward: {std / unp:.2f}x the standard forward's speed ({1 - m.float().mean().item():.0%} padding)")


def mtst_cli(*args, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mtst.cli", *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def cli_on_device(model_name: str, dev: str, work: Path) -> None:
    "`mtst train` a few steps, then `evaluate`, `predict` and `encode` with `--device dev`; embeddings against the CPU's."
    import numpy as np
    run = work / "cli"
    r = mtst_cli("train", ROOT / "configs" / "example.yaml", "--output-dir", run, "--no-progress", "--set", f"backbone={model_name}",
                 "--set", "training.max_steps=4", "--set", "training.epochs=1")
    check(r.returncode == 0 and (run / "metrics.json").exists(), "mtst train (4 steps of configs/example.yaml)" + (f"\n{r.stderr[-1500:]}" if r.returncode else ""))
    if r.returncode: return
    r = mtst_cli("evaluate", run, "--json", "--device", dev)
    check(r.returncode == 0 and '"mean"' in r.stdout, f"mtst evaluate --device {dev}" + (f"\n{r.stderr[-1500:]}" if r.returncode else ""))
    r = mtst_cli("predict", run, "The courier left my parcel at the wrong door in Leeds.", "--json", "--device", dev)
    check(r.returncode == 0 and '"ner"' in r.stdout, f"mtst predict --device {dev}" + (f"\n{r.stderr[-1500:]}" if r.returncode else ""))
    texts = ["The courier left my parcel at the wrong door in Leeds.", "Great app, quick refund."]
    outs = {}
    for d in dict.fromkeys([dev, "cpu"]):
        r = mtst_cli("encode", run, *texts, "--out", work / f"emb-{d}.npy", "--device", d)
        check(r.returncode == 0, f"mtst encode --device {d}" + (f"\n{r.stderr[-1500:]}" if r.returncode else ""))
        if r.returncode == 0: outs[d] = np.load(work / f"emb-{d}.npy")
    if len(outs) == 2:
        diff = float(np.abs(outs[dev] - outs["cpu"]).max())
        check(diff < 1e-3, f"embeddings on {dev} equal the CPU's (largest difference {diff:.1e})")


def losses(tr) -> list[float]:
    h = tr.history
    h = h[(h.split == "train") & (h.metric == "loss")]
    return [float(v) for v in h.groupby("step").value.mean()]


def trend(ls: list[float]) -> tuple[float, float]:
    "Mean training loss of the first and of the last steps (five each, fewer in a short run)."
    k = max(1, min(5, len(ls) // 2))
    return sum(ls[:k]) / k, sum(ls[-k:]) / k


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    from mtst.core import DEFAULT_MODEL
    ap.add_argument("--model", default=DEFAULT_MODEL, help="a local model folder or a Hub id (default: the embedded all-MiniLM-L6-v2)")
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--allow-cpu", action="store_true", help="run the checks on the CPU when there is no GPU")
    a = ap.parse_args(argv)
    import torch
    cuda = torch.cuda.is_available()
    if not cuda and not a.allow_cpu:
        print("gpu_smoke: no CUDA GPU here (torch.cuda.is_available() is False); run it on a GPU machine, or pass --allow-cpu")
        return 2
    dev = "cuda" if cuda else "cpu"
    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    native_bf16 = cuda or "avx512_bf16" in flags or "amx_bf16" in flags
    mp_steps = a.steps if native_bf16 else min(a.steps, 6)   # emulated bf16 runs ~10x slower than fp32 on such CPUs
    print(f"gpu_smoke: {a.model}, {a.steps} steps, device {torch.cuda.get_device_name(0) if cuda else 'cpu (--allow-cpu)'}, "
          f"torch {torch.__version__}")
    work = Path(tempfile.mkdtemp(prefix="mtst_gpu_smoke_"))
    if mp_steps != a.steps:
        print(f"  this CPU has no native bf16 (avx512_bf16 / amx_bf16): bf16 is emulated, so the mixed-precision checks run "
              f"{mp_steps} steps")
    unpad_check(a.model, dev)
    speed, peak = {}, {}
    for precision in ("fp32", "bf16", "fp16"):
        if precision == "fp16" and not cuda:
            print("  [skip] fp16 needs CUDA"); continue
        if cuda: torch.cuda.reset_peak_memory_stats()
        n = a.steps if precision == "fp32" else mp_steps
        tr, secs = train(a.model, n, precision, work / precision)
        ls = losses(tr)
        first, last = trend(ls)
        mem = f", peak {torch.cuda.max_memory_allocated() / 2**20:.0f} MiB" if cuda else ""
        speed[precision], peak[precision] = n / secs, (torch.cuda.max_memory_allocated() if cuda else 0)
        print(f"  {precision}: {n / secs:.2f} steps/s{mem}; train loss {first:.3f} -> {last:.3f}")
        check(tr.device.type == dev and next(tr.model.parameters()).device.type == dev, f"{precision}: model on {dev}")
        check(len(ls) == n and all(math.isfinite(x) for x in ls), f"{precision}: {n} finite losses")
        check(last < first, f"{precision}: the training loss falls ({first:.3f} -> {last:.3f})")
    # the gradient-level balancings on the device (PCGrad: its own backward per task through the fp16 scaler)
    prec = "fp16" if cuda else "bf16"
    for balancing in ("pcgrad", "famo"):
        if cuda: torch.cuda.reset_peak_memory_stats()
        tr, secs = train(a.model, mp_steps, prec, work / balancing, balancing=balancing)
        ls = losses(tr)
        first, last = trend(ls)
        mem = (f"; peak {torch.cuda.max_memory_allocated() / 2**20:.0f} MiB ({torch.cuda.max_memory_allocated() / peak[prec]:.2f}x "
               f"static {prec})") if cuda else ""
        print(f"  {balancing} ({prec}): {mp_steps / secs:.2f} steps/s ({speed[prec] / (mp_steps / secs):.2f}x the static run's step "
              f"time){mem}; train loss {first:.3f} -> {last:.3f}; weights {tr.balancer.weights()}")
        check(len(ls) == mp_steps and all(math.isfinite(x) for x in ls) and last < first, f"{balancing}: {mp_steps} finite losses that fall")
        if balancing == "famo": check(any(abs(w - 1) > 1e-4 for w in tr.balancer.weights().values()), "famo: the task weights moved")
    tr, secs = train(a.model, mp_steps, prec, work / "lora", lora=True)
    ls = losses(tr)
    first, last = trend(ls)
    print(f"  per-task LoRA ({prec}): {mp_steps / secs:.2f} steps/s ({speed[prec] / (mp_steps / secs):.2f}x the static run's step "
          f"time); train loss {first:.3f} -> {last:.3f}")
    check(len(ls) == mp_steps and all(math.isfinite(x) for x in ls) and last < first, f"per-task LoRA: {mp_steps} finite losses that fall")
    # exact resume on the device
    for precision, tol, n in (("fp32", 1e-4, a.steps), (prec, 1e-3, mp_steps)):
        half = n // 2   # save_every: the last checkpoint before the interruption is at step `half`
        full, _ = train(a.model, n, precision, work / f"full-{precision}")
        try: train(a.model, n, precision, work / f"resumed-{precision}", stop_at=half + 1)
        except Interrupted: pass
        resumed, _ = train(a.model, n, precision, work / f"resumed-{precision}", resume=True)
        d = max(abs(x - y) for x, y in zip(losses(full), losses(resumed)))
        check(resumed.global_step == full.global_step == n and d < tol,
              f"{precision}: interrupted after step {half + 1}, resumed from step {half}: same {n}-step history as the "
              f"uninterrupted run (max loss difference {d:.1e}, tolerance {tol:g})")
        if precision == "fp32": fp32_run = full
    # save on the device, load and predict on the CPU
    from mtst.multitask import MultiTaskModel
    fp32_run.model.save_pretrained(work / "saved")
    cpu_model = MultiTaskModel.from_pretrained(work / "saved")
    pred = cpu_model.predict(["The courier left my parcel at the wrong door in Leeds."])
    check(next(cpu_model.parameters()).device.type == "cpu" and set(pred[0]) == {"topic", "sentiment", "ner"},
          "saved on the device, loaded and predicted on the CPU")
    cli_on_device(a.model, dev, work)
    if cuda and torch.cuda.device_count() >= 2:
        r = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", "-m", "mtst.cli",
                            "train", str(ROOT / "configs" / "example.yaml"), "--output-dir", str(work / "ddp"), "--no-progress",
                            "--set", f"backbone={a.model}", "--set", "training.max_steps=10", "--set", "training.epochs=1"],
                           capture_output=True, text=True, timeout=900)
        check(r.returncode == 0 and (work / "ddp" / "metrics.json").exists(), "2-GPU torchrun (NCCL) run: exit 0, metrics.json"
              + ("" if r.returncode == 0 else f"\n{r.stderr[-2000:]}"))
    else:
        print("  [skip] 2-process NCCL run needs 2 GPUs")
    print("gpu_smoke: " + ("ok" if not failures else f"{len(failures)} check(s) failed: {failures}"))
    shutil.rmtree(work, ignore_errors=True)   # the runs' checkpoints: nothing to keep
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
