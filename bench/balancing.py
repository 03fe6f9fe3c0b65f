"""Cost of the loss balancings: step time and peak memory of every `TrainConfig.balancing`, relative to static weights.

    python bench/balancing.py [--n 192] [--batch-size 16] [--repeats 3] [--every 10] [--device cpu]
    python bench/balancing.py --conflicts [--n 1008] [--epochs 1] [--every 10]

Every variant fully fine-tunes the default backbone (all-MiniLM-L6-v2, 22.7M shared parameters) with three heads (topic,
sentiment, NER) on the first `--n` shipped training sentences, `schedule="joint"` (every task in each step), batch
`--batch-size`, one epoch, AdamW, the same seed and batches:

* `static`       one backward pass of the weighted sum (the reference);
* `uncertainty`, `dwa`   loss-level weights (lesson 04): the same single backward;
* `pcgrad`       one backward pass per task over the shared parameters, then the projection (lesson 04b);
* `famo`         one backward pass, plus one forward pass without gradients after each step (lesson 04b);
* `static+diag`  static with `GradientConflicts(every=--every)` (if `--every` > 0): what the diagnostics cost (the
                 table's ratio is for this short run; the line below it gives the cost of one measurement and its share
                 of a long run's time at that interval).

`--conflicts` instead trains `static` once on `--n` sentences for `--epochs` epochs with `GradientConflicts(every=--every)` and
prints `conflict_summary` per layer group (embeddings, layer.0-5, pooler): how the task gradients meet in a fully
fine-tuned encoder, which lesson 04b (a shared adapter on a frozen encoder) does not measure.

Each run is a fresh subprocess (its own peak resident memory, or peak CUDA memory with `--device cuda`); the variants
alternate in order and reverse order, `--repeats` times, and medians are reported. Time per step = wall time of
`fit()` (model loading and tokenization excluded) / optimizer steps. Prints one table with each variant's ratio to
`static` measured in this same run; `--json` writes the rows.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

VARIANTS = ("static", "uncertainty", "dwa", "pcgrad", "famo")


def run(variant: str, n: int, batch_size: int, seed: int, every: int, device: str | None) -> dict:
    import torch
    from mtst.data import load_shipped, shipped_tasks
    from mtst.encoder import SentenceEncoder
    from mtst.multitask import MultiTaskModel
    from mtst.training import MultiTaskTrainer, TrainConfig, set_seed
    balancing, diag = (variant.split("+")[0], variant.endswith("+diag"))
    callbacks = []
    if diag:
        from mtst.training.gradients import GradientConflicts
        callbacks.append(GradientConflicts(every=every))
    set_seed(seed)
    model = MultiTaskModel(SentenceEncoder(normalize=False), shipped_tasks())
    cfg = TrainConfig(epochs=1, batch_size=batch_size, lr=5e-5, progress=False, eval_before=False, seed=seed, schedule="joint",
                      balancing=balancing, load_best_at_end=False, device=device, callbacks=callbacks)
    tr = MultiTaskTrainer(model, load_shipped("train")[:n], None, cfg)
    if tr.device.type == "cuda": torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    tr.fit()
    if tr.device.type == "cuda": torch.cuda.synchronize()
    wall = time.perf_counter() - t0
    peak = (torch.cuda.max_memory_allocated() / 2**20 if tr.device.type == "cuda"
            else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return {"variant": variant, "seconds": wall, "steps": tr.global_step, "ms_per_step": 1000 * wall / tr.global_step,
            "peak_mb": peak, "memory": "CUDA max allocated" if tr.device.type == "cuda" else "peak RSS",
            "threads": torch.get_num_threads(), "device": str(tr.device)}


def conflicts(a) -> None:
    "Full fine-tuning with GradientConflicts: the conflict summary per layer group."
    import pandas as pd
    from mtst.data import load_shipped, shipped_tasks
    from mtst.encoder import SentenceEncoder
    from mtst.training.gradients import GradientConflicts, conflict_summary
    from mtst.multitask import MultiTaskModel
    from mtst.training import MultiTaskTrainer, TrainConfig, set_seed
    set_seed(a.seed)
    model = MultiTaskModel(SentenceEncoder(normalize=False), shipped_tasks())
    cfg = TrainConfig(epochs=a.epochs, batch_size=a.batch_size, lr=1e-4, head_lr=5e-3, progress=False, eval_before=False,
                      seed=a.seed, schedule="joint", load_best_at_end=False, device=a.device,
                      callbacks=[GradientConflicts(every=a.every)])
    tr = MultiTaskTrainer(model, load_shipped("train")[:a.n], load_shipped("validation"), cfg)
    t0 = time.perf_counter()
    m = tr.fit()
    s = conflict_summary(tr.history).reset_index()
    pd.set_option("display.width", 200)
    print(f"{a.n} sentences, {tr.global_step} joint steps ({a.epochs} epochs, batch {a.batch_size}, lr 1e-4, heads 5e-3), "
          f"measured every {a.every} steps, {time.perf_counter() - t0:.0f} s; validation mean {m['mean']:.3f}")
    print("mean cosine between task gradients (share of measurements with cosine < 0):")
    table = s.pivot(index="group", columns="pair", values="mean_cos").round(3).astype(str) + " (" + \
        s.pivot(index="group", columns="pair", values="conflict_share").map(lambda x: f"{x:.0%}") + ")"
    print(table.loc[[g for g in s.group.unique()]].to_string())


def spawn(variant: str, a) -> dict:
    env = {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE"), "HF_HUB_DISABLE_PROGRESS_BARS": "1",
           "TOKENIZERS_PARALLELISM": "false"}
    cmd = [sys.executable, __file__, "--child", variant, "--n", str(a.n), "--batch-size", str(a.batch_size), "--seed", str(a.seed),
           "--every", str(a.every)] + (["--device", a.device] if a.device else [])
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    lines = [l for l in r.stdout.splitlines() if l.startswith("RESULT ")]
    if r.returncode != 0 or not lines: raise RuntimeError(f"{variant} failed (exit {r.returncode}):\n{r.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=192, help="training sentences per run")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--every", type=int, default=10, help="GradientConflicts interval for the static+diag variant (0: skip it)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", help="e.g. cuda (default: the trainer's choice)")
    ap.add_argument("--json", help="write all rows to this file")
    ap.add_argument("--conflicts", action="store_true", help="measure gradient conflicts per layer in full fine-tuning instead")
    ap.add_argument("--epochs", type=int, default=1, help="with --conflicts: epochs of training")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.conflicts:
        import transformers
        transformers.logging.set_verbosity_error()
        conflicts(a); return 0
    if a.child:
        import transformers
        transformers.logging.set_verbosity_error()
        print("RESULT " + json.dumps(run(a.child, a.n, a.batch_size, a.seed, a.every, a.device)), flush=True)
        return 0
    variants = VARIANTS + (("static+diag",) if a.every > 0 else ())
    rows, t0 = [], time.perf_counter()
    for r in range(a.repeats):
        for v in (variants if r % 2 == 0 else variants[::-1]):
            rows.append(spawn(v, a)); print(f"  {v}: {rows[-1]['ms_per_step']:.0f} ms/step, {rows[-1]['peak_mb']:.0f} MB", flush=True)
    med = {v: {k: statistics.median(x[k] for x in rows if x["variant"] == v) for k in ("ms_per_step", "peak_mb")} for v in variants}
    base = med["static"]
    first = rows[0]
    print(f"\n{a.n} sentences, batch {a.batch_size}, {first['steps']} joint steps per run, {a.repeats} run(s) each, device "
          f"{first['device']}, torch threads {first['threads']}, total {time.perf_counter() - t0:.0f} s; memory: {first['memory']}")
    print(f"{'variant':<13} {'ms/step':>8} {'/ static':>9} {'peak MB':>8} {'/ static':>9}")
    for v, m in med.items():
        print(f"{v:<13} {m['ms_per_step']:>8.0f} {m['ms_per_step'] / base['ms_per_step']:>8.2f}x {m['peak_mb']:>8.0f} "
              f"{m['peak_mb'] / base['peak_mb']:>8.2f}x")
    if "static+diag" in med:   # the diagnostics cost per measurement, and what that is per step at this interval
        steps = first["steps"]
        measured = 1 + steps // a.every   # before the first step, then every `every` steps
        extra = (med["static+diag"]["ms_per_step"] - base["ms_per_step"]) * steps / measured
        print(f"GradientConflicts: {measured} measurements in {steps} steps; one costs {extra:.0f} ms = "
              f"{extra / base['ms_per_step']:.1f} static steps, so every={a.every} adds {extra / base['ms_per_step'] / a.every:.0%} "
              f"to a long run's time")
    if a.json:
        with open(a.json, "w") as f: json.dump({"rows": rows, "median": med}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
