"""Benchmark: mtst's SentenceEncoder.encode vs sentence-transformers on the same sentences, in one run.

    python bench/encode.py                      # 2,000 sentences, 5 interleaved repeats
    python bench/encode.py --n 500 --repeats 3  # quicker

What it prints (all measured in this run, so the ratios hold on a busy machine):
* sentences/s of mtst (fp32), sentence-transformers (fp32) and mtst bf16: medians of `--repeats`
  timings, the three runs interleaved (rotating order) so that load from other processes hits all;
* the ratio mtst / sentence-transformers (from median wall time; also from the best run and from
  median process CPU time, two views less sensitive to a busy machine) and the max abs difference
  of their embeddings;
* achieved GFLOP/s of each (useful FLOPs on real tokens only: padding is waste) against an fp32
  matmul measured in the same run, i.e. the fraction of this CPU's dense-matmul throughput reached;
* bf16: speed-up over fp32 and the minimum cosine between the bf16 and fp32 embedding of a sentence.

Sentences: built with a fixed seed from the shipped data (data/train.jsonl texts and
data/sts_pairs.jsonl), one to three joined together for a spread of lengths; generated if absent.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

# OpenMP threads that spin while waiting collapse (5x slower measured) when other processes share the cores;
# passive waiting keeps the comparison honest on a shared machine. Must be set before torch loads; both
# libraries run in this one process, so they share the setting (set OMP_WAIT_POLICY yourself to override).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import cpu_info, forward_flops, matmul_gflops  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def make_sentences(n: int, seed: int) -> list[str]:
    "n sentences (fixed seed) from the shipped data; 1-3 texts joined so lengths vary."
    from mtst.data import load_shipped
    from mtst.data import load_sts_pairs
    texts = []
    try: texts += [ex.text for ex in load_shipped("train")]
    except FileNotFoundError: pass
    try: texts += [s for p in load_sts_pairs() for s in (p["sentence1"], p["sentence2"])]
    except FileNotFoundError: pass
    rng = random.Random(seed)
    if not texts:  # no data folder: generate
        words = ("points reward app receipt store order delivery refund coupon grocery scan card balance "
                 "offer price crash login support brand shop weekly bonus redeem payment").split()
        texts = [" ".join(rng.choices(words, k=rng.randint(4, 30))) + "." for _ in range(500)]
    return [" ".join(rng.choices(texts, k=rng.choices([1, 2, 3], weights=[6, 3, 1])[0])) for _ in range(n)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="number of sentences (default 2000)")
    ap.add_argument("--repeats", type=int, default=5, help="timed repeats per method (median; default 5)")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    from mtst.encoder import SentenceEncoder
    warnings.simplefilter("ignore", DeprecationWarning)
    from sentence_transformers import SentenceTransformer

    from mtst.core import quiet_progress
    sentences = make_sentences(args.n, args.seed)
    enc = SentenceEncoder()
    with quiet_progress(): st = SentenceTransformer(enc.spec.source, device="cpu")
    lengths = [len(x) for x in enc.tokenizer(sentences, truncation=True, max_length=enc.max_length)["input_ids"]]
    flops = forward_flops(lengths, enc.backbone.config)
    print(f"CPU: {cpu_info()}")
    print(f"{len(sentences)} sentences, {min(lengths)}-{max(lengths)} tokens (mean {np.mean(lengths):.1f}), "
          f"batch {args.batch_size}, {torch.get_num_threads()} threads, OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}, torch {torch.__version__}")

    bs = args.batch_size
    runs = {
        "mtst fp32": lambda: enc.encode(sentences, batch_size=bs, show_progress_bar=False),
        "sentence-transformers": lambda: st.encode(sentences, batch_size=bs, normalize_embeddings=True,
                                                   show_progress_bar=False),
        "mtst bf16": lambda: enc.encode(sentences, batch_size=bs, precision="bf16", show_progress_bar=False),
    }
    warm = sentences   # one untimed pass each over the very sentences timed: the first pass over new batch
                       # shapes pays one-off kernel set-up costs (it cost whichever runner went first ~10%)
    enc.encode(warm, batch_size=bs); enc.encode(warm, batch_size=bs, precision="bf16")
    st.encode(warm, batch_size=bs, show_progress_bar=False)

    times = {k: [] for k in runs}
    cpu = {k: [] for k in runs}     # process CPU time: less sensitive to other processes than wall time
    outputs = {}
    peaks = [matmul_gflops()]
    names = list(runs)
    for r in range(args.repeats):
        for name in names[r % 3:] + names[:r % 3]:           # rotate the order each repeat
            t0, c0 = time.perf_counter(), time.process_time()
            outputs[name] = runs[name]()
            times[name].append(time.perf_counter() - t0); cpu[name].append(time.process_time() - c0)
        peaks.append(matmul_gflops())
        print(f"  repeat {r + 1}/{args.repeats}: " + ", ".join(f"{k} {times[k][-1]:.1f} s" for k in names), flush=True)

    peak = statistics.median(peaks)
    speed = {k: len(sentences) / statistics.median(v) for k, v in times.items()}
    e32, est, e16 = (np.asarray(outputs[k]) for k in names)
    diff = float(np.abs(e32 - est).max())
    min_cos = float((e32 * e16).sum(1).min())
    print(f"\nfp32 matmul in this run: {peak:.1f} GFLOP/s (median of {len(peaks)} measurements)")
    for k in names:
        gf = flops / (len(sentences) / speed[k]) / 1e9
        print(f"{k:>22}: {speed[k]:7.1f} sentences/s  {gf:6.1f} GFLOP/s  ({gf / peak:.0%} of matmul)")
    def ratios(a, b):   # how many times faster a is than b: median wall, best wall, median CPU time
        return (statistics.median(times[b]) / statistics.median(times[a]), min(times[b]) / min(times[a]),
                statistics.median(cpu[b]) / statistics.median(cpu[a]))
    r = ratios("mtst fp32", "sentence-transformers")
    print(f"mtst fp32 / sentence-transformers: {r[0]:.2f}x (median wall time; best run {r[1]:.2f}x, "
          f"median CPU time {r[2]:.2f}x); max abs diff of embeddings {diff:.1e}")
    r = ratios("mtst bf16", "mtst fp32")
    print(f"bf16 speed-up over mtst fp32: {r[0]:.2f}x (best run {r[1]:.2f}x, CPU time {r[2]:.2f}x), "
          f"min cosine bf16 vs fp32: {min_cos:.5f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
