"""Benchmark: serving on this CPU, side by side in one run (lesson 07).

    python bench/serve.py                       # 512 sentences, 3 interleaved repeats
    python bench/serve.py --n 128 --repeats 2   # quicker

Rows: mtst PyTorch fp32, mtst ONNX fp32, mtst ONNX int8 (the course's default model, its three shipped heads),
sentence-transformers PyTorch fp32, and sentence-transformers' own ONNX backend where it installs (it needs
`optimum-onnx`, whose releases so far require transformers < 4.58, so it does not install beside transformers 5; the
output says so when it is missing). Columns: `encode` sentences/s at batch 32 and latency of one sentence
(batch 1), `predict` (three heads) sentences/s at batch 32 for mtst's backends; every figure the best of `--repeats`
interleaved rounds (rotating order, so load from other processes hits every row), with the spread and the CPU-seconds
of the best round. Ratios are against sentence-transformers' PyTorch fp32 measured in the same run. The CPU model and
its int8/bf16 instruction flags are printed first: int8 speed depends on them. Each row also gives its useful
GFLOP/s (real tokens only) and their share of this machine's matmul peak measured in the same run (fp32 through
torch; int8 through onnxruntime for the int8 row: `bench/machine.py`). The last lines score STS-B dev (from
`MTST_DATA_DIR` / `../shared/data`) with the fp32 and int8 encoders and end with
`onnx int8 encode / sentence-transformers torch fp32: X.XXx (STS-B kept YY.Y%)`.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

# torch's OpenMP threads spin ~10k rounds, then sleep: nearly the speed of spinning when the machine is quiet, and no
# starved cores when it is not. OMP_WAIT_POLICY=PASSIVE (this script's earlier default) slowed the torch rows 1.2-1.35x
# here and not onnxruntime's own thread pool, which flattered the ONNX ratios.
os.environ.setdefault("GOMP_SPINCOUNT", "10000")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import cpu_info, forward_flops, int8_gops, matmul_gflops  # noqa: E402


def timed(fn, *args, **kw) -> tuple[float, float]:
    "(wall seconds, CPU-seconds of this process) of one call."
    w, c = time.perf_counter(), time.process_time()
    fn(*args, **kw)
    return time.perf_counter() - w, time.process_time() - c


def sts_pairs(n: int | None):
    "STS-B dev pairs from the data folder (MTST_DATA_DIR / ../shared/data), else the course's own similarity pairs."
    from mtst.data import DataError
    from mtst.sources import load_source_dataset, real_source
    from mtst.sources import sts_pairs as read_pairs
    try:
        pairs = read_pairs(load_source_dataset(real_source("stsb", "validation", prefer="folder")))
        which = "STS-B dev"
    except DataError:
        from mtst.data import load_sts_pairs
        pairs, which = load_sts_pairs(), "the course's similarity pairs (no STS-B in the data folder)"
    return (pairs[:n] if n else pairs), which


def spearman(encode, pairs) -> float:
    from scipy.stats import spearmanr
    a, b = encode([p["sentence1"] for p in pairs]), encode([p["sentence2"] for p in pairs])
    cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    return float(spearmanr(cos, [p["score"] for p in pairs]).statistic)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=512); ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--latency-n", type=int, default=20, help="single sentences timed for the batch-1 latency")
    ap.add_argument("--sts-n", type=int, default=None, help="STS-B dev pairs for the quality line (default: all 1,500)")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from mtst.core import DEFAULT_MODEL, default_model_dir
    from mtst.data import load_shipped, shipped_tasks
    from mtst.encoder import SentenceEncoder
    from mtst.multitask import MultiTaskModel
    from mtst.serving import OnnxModel, export_onnx
    from mtst.training import set_seed
    texts = [e.text for e in load_shipped("train")]
    texts = (texts * (a.n // len(texts) + 1))[:a.n]
    print(f"CPU: {cpu_info()}; torch {torch.__version__}, {torch.get_num_threads()} threads "
          f"(GOMP_SPINCOUNT={os.environ.get('GOMP_SPINCOUNT')}, OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}); {a.n} sentences, "
          f"{a.repeats} round(s)")
    set_seed(0)
    model = MultiTaskModel(SentenceEncoder(DEFAULT_MODEL), shipped_tasks()).eval()
    work = Path(tempfile.mkdtemp(prefix="mtst_serve_"))
    export_onnx(model, work / "onnx", quantize="int8")
    fp32, int8 = OnnxModel(work / "onnx"), OnnxModel(work / "onnx", int8=True)
    from sentence_transformers import SentenceTransformer
    from mtst.core import quiet_progress
    with quiet_progress(): st = SentenceTransformer(str(default_model_dir()), device="cpu")
    rows = {"mtst PyTorch fp32": (model.encoder.encode, model.predict), "mtst ONNX fp32": (fp32.encode, fp32.predict),
            "mtst ONNX int8": (int8.encode, int8.predict),
            "sentence-transformers PyTorch fp32": (lambda t, batch_size=32: st.encode(t, batch_size=batch_size), None)}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            st_onnx = SentenceTransformer(str(default_model_dir()), device="cpu", backend="onnx")
        rows["sentence-transformers ONNX"] = (lambda t, batch_size=32: st_onnx.encode(t, batch_size=batch_size), None)
    except Exception as e:
        print(f"sentence-transformers ONNX backend: not available here ({type(e).__name__}: {' '.join(str(e).split())[:160]})")
    for enc, _ in rows.values(): enc(texts[:32])   # warm-up
    enc_t = {k: [] for k in rows}; pred_t = {k: [] for k, (_, p) in rows.items() if p}; lat = {k: [] for k in rows}
    names = list(rows)
    peaks = {"fp32": [matmul_gflops()], "int8": [int8_gops()]}   # the machine's peaks, before and after every round
    for r in range(a.repeats):
        for k in names[r % len(names):] + names[:r % len(names)]:   # rotating order
            enc, pred = rows[k]
            enc_t[k].append(timed(enc, texts, batch_size=32))
            if pred: pred_t[k].append(timed(pred, texts, batch_size=32))
            t0 = time.perf_counter()
            for t in texts[:a.latency_n]: enc(t)
            lat[k].append((time.perf_counter() - t0) / a.latency_n * 1000)
        peaks["fp32"].append(matmul_gflops()); peaks["int8"].append(int8_gops())
    ref = min(w for w, _ in enc_t["sentence-transformers PyTorch fp32"])
    lengths = [len(x) for x in model.encoder.tokenizer(texts, truncation=True, max_length=model.encoder.max_length)["input_ids"]]
    flops = forward_flops(lengths, model.encoder.backbone.config)     # useful work of one encode pass: real tokens only
    peak = {k: float(np.median(v)) for k, v in peaks.items()}
    print(f"\npeaks in this run (median of {len(peaks['fp32'])}): fp32 matmul {peak['fp32']:.1f} GFLOP/s (torch), "
          f"int8 matmul {peak['int8']:.1f} GOP/s (onnxruntime, dynamic quantisation)")
    print(f"\n{'backend':38} {'encode sent/s':>13} {'x ST fp32':>9} {'spread (s)':>13} {'CPU-s':>6} {'GFLOP/s':>8} "
          f"{'of peak':>7} {'batch-1 ms':>10} {'predict sent/s':>14}")
    for k in names:
        best = min(enc_t[k]); walls = [w for w, _ in enc_t[k]]
        p = f"{a.n / min(w for w, _ in pred_t[k]):14.1f}" if k in pred_t else f"{'-':>14}"
        gf = flops / best[0] / 1e9
        share = gf / peak["int8" if "int8" in k else "fp32"]
        print(f"{k:38} {a.n / best[0]:13.1f} {ref / best[0]:9.2f} {min(walls):6.2f}-{max(walls):<6.2f} {best[1]:6.1f} "
              f"{gf:8.1f} {share:6.0%}{'*' if 'int8' in k else ' '} {min(lat[k]):10.1f} {p}")
    print("(of peak: the fp32 matmul peak; * the int8 one)")
    a32 = model.encoder.encode(texts[:64]); q = int8.encode(texts[:64])
    cos = (a32 * q).sum(1) / np.linalg.norm(a32, axis=1) / np.linalg.norm(q, axis=1)
    print(f"\nint8 vs fp32 embeddings: minimum cosine {cos.min():.4f} over 64 sentences")
    pairs, which = sts_pairs(a.sts_n)
    torch_fp32 = lambda texts: model.encoder.encode(texts, show_progress_bar=False)   # no progress bar in the output
    rho = {k: spearman(enc, pairs) for k, enc in (("fp32", torch_fp32), ("int8", int8.encode))}
    kept = 100 * rho["int8"] / rho["fp32"]
    print(f"{which}: Spearman mtst PyTorch fp32 {rho['fp32']:.4f}, ONNX int8 {rho['int8']:.4f} ({len(pairs)} pairs)")
    x = ref / min(enc_t["mtst ONNX int8"])[0]
    print(f"onnx int8 encode / sentence-transformers torch fp32: {x:.2f}x (STS-B kept {kept:.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
