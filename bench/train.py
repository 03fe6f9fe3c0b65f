"""Training throughput: mtst's MultiTaskTrainer vs Hugging Face Trainer, same backbone, same sentence task.

    python bench/train.py [--n 512] [--batch-size 16] [--repeats 2] [--n512 32]

Every variant fine-tunes the whole default backbone (all-MiniLM-L6-v2) for one epoch on the first `--n`
training sentences of the shipped `topic` task, batch size `--batch-size`, AdamW, linear schedule:

* `mtst`          MultiTaskTrainer with its defaults: dynamic padding, random batches, the backbone run on real
                  tokens only (`mtst.unpad`; one task, no evaluation, no checkpoints);
* `mtst_padded`   the same with `encoder.unpad = False`: the standard transformers forward over the padded batch;
* `hf_trainer`    transformers.Trainer + AutoModelForSequenceClassification, DataCollatorWithPadding, its defaults;
* `mtst_grouped`  mtst with `TrainConfig.group_by_length=True` (batches of similar-length sentences);
* `hf_grouped`    the Trainer with `train_sampling_strategy="group_by_length"` (its LengthGroupedSampler;
                  `group_by_length=True` before transformers 5);
* `hf_pad512`     the same Trainer with every sentence padded to 512 tokens (what many tutorials do),
                  on `--n512` sentences only, because it is an order of magnitude slower.

Each run is a fresh subprocess (so its peak resident memory is its own); mtst and Trainer runs alternate,
`--repeats` times, and the median samples/s is reported. The extra variants say where a difference comes
from: skipping padding inside the backbone (mtst vs mtst_padded), fewer padded positions (grouping), or the loop
itself (mtst_padded vs hf_trainer, mtst_grouped vs hf_grouped). Both are timed the same way: one wall clock
around `MultiTaskTrainer.fit()` and around `Trainer.train()`, after the model is loaded, the data tokenized
and the trainer built (so optimizer creation, the schedule, every step and the end of training are inside
the clock in both; model loading and tokenization in neither). samples/s = training sentences / that time.
Prints a table and the mtst / Trainer ratio measured in this one run; `--json` writes the rows.
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

HERE = os.path.dirname(os.path.abspath(__file__))


def _examples(n):
    from mtst.data import load_shipped
    return [e for e in load_shipped("train") if "topic" in e.labels][:n]


def run_mtst(n: int, batch_size: int, seed: int, group_by_length: bool = False, unpad: bool = True) -> dict:
    import torch
    from mtst.data import shipped_tasks
    from mtst.encoder import SentenceEncoder
    from mtst.multitask import MultiTaskModel
    from mtst.training import MultiTaskTrainer, TrainConfig, set_seed
    ex = _examples(n)
    ex = [type(e)(e.text, {"topic": e.labels["topic"]}, e.source) for e in ex]
    set_seed(seed)
    model = MultiTaskModel(SentenceEncoder(normalize=False), [shipped_tasks()[0]])
    model.encoder.unpad = unpad
    cfg = TrainConfig(epochs=1, batch_size=batch_size, lr=5e-5, progress=False, eval_before=False, seed=seed,
                      warmup_ratio=0.0, max_grad_norm=1.0, group_by_length=group_by_length)
    tr = MultiTaskTrainer(model, ex, None, cfg)   # tokenizes the examples (outside the clock, as for Trainer)
    t0, c0 = time.perf_counter(), time.process_time()
    tr.fit()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"samples_per_second": tr.samples_seen / wall, "seconds": wall, "cpu_seconds": cpu, "loop_seconds": tr.train_seconds,
            "samples": tr.samples_seen, "steps": tr.global_step, "threads": torch.get_num_threads()}


def run_hf(n: int, batch_size: int, seed: int, pad512: bool = False, group_by_length: bool = False) -> dict:
    import tempfile
    import torch
    from transformers import (AutoModelForSequenceClassification, DataCollatorWithPadding, Trainer,
                              TrainingArguments, default_data_collator)
    from mtst.core import load_tokenizer, quiet_progress, resolve_backbone
    from mtst.data import SHIPPED_TOPICS
    ex = _examples(n)
    spec = resolve_backbone()
    tok = load_tokenizer(spec)
    label2id = {l: i for i, l in enumerate(SHIPPED_TOPICS)}
    if pad512: enc = tok([e.text for e in ex], truncation=True, max_length=512, padding="max_length")
    else: enc = tok([e.text for e in ex], truncation=True, max_length=tok.model_max_length)
    data = [{"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i],
             "labels": label2id[e.labels["topic"]]} for i, e in enumerate(ex)]
    torch.manual_seed(seed)
    with quiet_progress():
        model = AutoModelForSequenceClassification.from_pretrained(spec.source, num_labels=len(label2id))
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(output_dir=out, per_device_train_batch_size=batch_size, num_train_epochs=1,
                                 learning_rate=5e-5, weight_decay=0.01, warmup_steps=0, max_grad_norm=1.0,
                                 lr_scheduler_type="linear", save_strategy="no", logging_strategy="no",
                                 eval_strategy="no", report_to=[], disable_tqdm=True, seed=seed, use_cpu=True,
                                 dataloader_num_workers=0,
                                 train_sampling_strategy="group_by_length" if group_by_length else "random")
        trainer = Trainer(model=model, args=args, train_dataset=data,
                          data_collator=default_data_collator if pad512 else DataCollatorWithPadding(tok))
        t0, c0 = time.perf_counter(), time.process_time()
        m = trainer.train().metrics
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"samples_per_second": len(data) / wall, "seconds": wall, "cpu_seconds": cpu, "loop_seconds": m["train_runtime"],
            "samples": len(data), "steps": trainer.state.global_step, "threads": torch.get_num_threads()}


def lengths_of(n: int) -> list[int]:
    "Tokens of each of the `n` training sentences (no padding)."
    from mtst.core import load_tokenizer, resolve_backbone
    tok = load_tokenizer(resolve_backbone())
    return [len(ids) for ids in tok([e.text for e in _examples(n)], truncation=True)["input_ids"]]


def train_flops(n: int) -> float:
    "Useful FLOPs of one training epoch over real tokens: forward + backward ≈ 3 forward passes (the head is negligible)."
    from transformers import AutoConfig
    from mtst.core import resolve_backbone
    from machine import forward_flops
    return 3 * forward_flops(lengths_of(n), AutoConfig.from_pretrained(resolve_backbone().source))


def padding(n: int, batch_size: int, seed: int) -> tuple[int, int, int]:
    "Real tokens, and token positions with padding, of one epoch in random batches and in mtst's length-grouped plan."
    from mtst.training import TaskScheduler
    lengths = lengths_of(n)
    def positions(sched): return sum(len(b) * max(lengths[i] for i in b) for _, b in sched.plan(0))
    pools = {"topic": list(range(len(lengths)))}
    return (sum(lengths), positions(TaskScheduler(pools, batch_size, seed=seed)),
            positions(TaskScheduler(pools, batch_size, seed=seed, lengths=lengths)))


def child(variant: str, n: int, batch_size: int, seed: int) -> None:
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import transformers
    transformers.logging.set_verbosity_error()
    if variant.startswith("mtst"): row = run_mtst(n, batch_size, seed, group_by_length=variant == "mtst_grouped",
                                                  unpad=variant != "mtst_padded")
    else: row = run_hf(n, batch_size, seed, pad512=variant == "hf_pad512", group_by_length=variant == "hf_grouped")
    row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps({"variant": variant, **row}), flush=True)


def spawn(variant: str, n: int, batch_size: int, seed: int) -> dict:
    # OpenMP threads that spin while waiting collapse (5x slower measured) when other processes share the
    # cores; passive waiting keeps both variants honest on a shared machine (set it yourself to override)
    env = {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
    r = subprocess.run([sys.executable, __file__, "--child", variant, "--n", str(n), "--batch-size", str(batch_size),
                        "--seed", str(seed)], capture_output=True, text=True, env=env)
    lines = [l for l in r.stdout.splitlines() if l.startswith("RESULT ")]
    if r.returncode != 0 or not lines:
        raise RuntimeError(f"{variant} failed (exit {r.returncode}):\n{r.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=512, help="training sentences per run (runs of a few seconds are too noisy)")
    ap.add_argument("--n512", type=int, default=32, help="training sentences for the pad-to-512 run")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=3, help="alternating mtst / Trainer runs each")
    ap.add_argument("--no-extra", action="store_true", help="skip the mtst_padded / mtst_grouped / hf_grouped variants")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="write all rows to this file")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        child(a.child, a.n, a.batch_size, a.seed); return 0
    sys.path.insert(0, HERE)
    from machine import cpu_info, matmul_gflops
    print(f"CPU: {cpu_info()}", flush=True)
    rows, t0, peaks = [], time.perf_counter(), [matmul_gflops()]   # the fp32 peak, before and after every round
    for r in range(a.repeats):
        pair = ("mtst", "hf_trainer") + (() if a.no_extra else ("mtst_padded", "mtst_grouped", "hf_grouped"))
        for v in (pair if r % 2 == 0 else pair[::-1]):
            rows.append(spawn(v, a.n, a.batch_size, a.seed)); print(f"  {v}: {rows[-1]['samples_per_second']:.2f} samples/s", flush=True)
        peaks.append(matmul_gflops())
    if a.n512: rows.append(spawn("hf_pad512", a.n512, a.batch_size, a.seed)); print(f"  hf_pad512: {rows[-1]['samples_per_second']:.2f} samples/s")
    summary = {}
    for v in ("mtst", "hf_trainer", "mtst_padded", "mtst_grouped", "hf_grouped", "hf_pad512"):
        rs = [x for x in rows if x["variant"] == v]
        if rs: summary[v] = {"samples/s (median)": statistics.median(x["samples_per_second"] for x in rs),
                             "samples/s (min)": min(x["samples_per_second"] for x in rs),
                             "samples/s (max)": max(x["samples_per_second"] for x in rs),
                             "CPU-s (median)": statistics.median(x.get("cpu_seconds", float("nan")) for x in rs),
                             "runs": len(rs), "samples per run": rs[0]["samples"], "steps per run": rs[0]["steps"],
                             "peak RSS MB (max)": max(x["peak_rss_mb"] for x in rs)}
    print(f"\nbatch size {a.batch_size}, {a.n} sentences (pad512: {a.n512}), {a.repeats} run(s) each, "
          f"torch threads {rows[0]['threads']}, OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'PASSIVE')}, "
          f"total {time.perf_counter() - t0:.0f} s")
    print("samples/s = training sentences / wall time of fit() or train() (model loading and tokenization excluded in both)")
    peak, flops = statistics.median(peaks), train_flops(a.n)
    print(f"fp32 matmul peak in this run: {peak:.1f} GFLOP/s (median of {len(peaks)}); useful work: forward + backward "
          f"over real tokens, {flops / a.n / 1e9:.2f} GFLOP per sentence")
    print(f"{'variant':<12} {'samples/s':>10} {'min-max':>13} {'CPU-s':>7} {'GFLOP/s':>8} {'of peak':>7} {'runs':>5} "
          f"{'sentences':>10} {'peak RSS MB':>12}")
    for v, s in summary.items():
        gf = flops / a.n * s["samples/s (median)"] / 1e9   # useful work per sentence x sentences per second
        print(f"{v:<12} {s['samples/s (median)']:>10.2f} {s['samples/s (min)']:>6.1f}-{s['samples/s (max)']:<6.1f} "
              f"{s['CPU-s (median)']:>7.1f} {gf:>8.1f} {gf / peak:>7.0%} {s['runs']:>5} {s['samples per run']:>10} "
              f"{s['peak RSS MB (max)']:>12.0f}")
    base = summary["hf_trainer"]["samples/s (median)"]
    sps = {v: s["samples/s (median)"] for v, s in summary.items()}
    real, random_pos, grouped_pos = padding(a.n, a.batch_size, a.seed)
    print(f"one epoch's batches hold {random_pos / real:.2f}x as many token positions as real tokens when random, "
          f"{grouped_pos / real:.2f}x when grouped by length (mtst's plan)")
    print(f"\nmtst / HF Trainer samples/s: {sps['mtst'] / base:.2f}x  (peak RSS {summary['mtst']['peak RSS MB (max)'] / summary['hf_trainer']['peak RSS MB (max)']:.2f}x)")
    if "mtst_padded" in sps:
        print(f"what made the difference: mtst / mtst_padded (unpadded backbone) {sps['mtst'] / sps['mtst_padded']:.2f}x; "
              f"mtst_padded / HF Trainer (the loops on equal work) {sps['mtst_padded'] / base:.2f}x")
    if "mtst_grouped" in sps:
        print(f"grouped batches in both: mtst_grouped / hf_grouped {sps['mtst_grouped'] / sps['hf_grouped']:.2f}x")
        print(f"grouping by length: mtst_grouped / mtst {sps['mtst_grouped'] / sps['mtst']:.2f}x, "
              f"hf_grouped / hf_trainer {sps['hf_grouped'] / base:.2f}x (faster, but see README: it cost quality)")
    if "hf_pad512" in summary:
        print(f"mtst / HF Trainer padded to 512: {summary['mtst']['samples/s (median)'] / summary['hf_pad512']['samples/s (median)']:.1f}x")
    if a.json:
        with open(a.json, "w") as f: json.dump({"rows": rows, "summary": summary}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
