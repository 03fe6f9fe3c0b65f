"""Benchmark: serving on this CPU, side by side in one run (lesson 07).

    python bench/serve.py                       # 512 sentences, 3 interleaved repeats
    python bench/serve.py --n 128 --repeats 2   # quicker

Rows: mtst PyTorch fp32, mtst ONNX fp32, mtst ONNX int8 (the course's default model, its three shipped heads),
sentence-transformers PyTorch fp32, and sentence-transformers' own ONNX backend where it installs (it needs
`optimum`; the row says so when it is missing). Columns: `encode` sentences/s at batch 32 and latency of one sentence
(batch 1), `predict` (three heads) sentences/s at batch 32 for mtst's backends; every figure the best of `--repeats`
interleaved rounds (rotating order, so load from other processes hits every row), with the spread and the CPU-seconds
of the best round. Ratios are against sentence-transformers' PyTorch fp32 measured in the same run. The CPU model and
its int8/bf16 instruction flags are printed first: int8 speed depends on them.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")   # spinning OpenMP threads distort timings on a shared machine
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]


def cpu_info() -> str:
    info = Path("/proc/cpuinfo")
    if not info.exists(): return platform.processor() or "unknown CPU"
    lines = info.read_text().splitlines()
    name = next((l.split(":", 1)[1].strip() for l in lines if l.startswith("model name")), "unknown CPU")
    flags = set(next((l.split(":", 1)[1].split() for l in lines if l.startswith("flags")), []))
    have = [f for f in ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8", "avx512_bf16") if f in flags]
    return f"{name} ({os.cpu_count()} logical CPUs; {', '.join(have) or 'no AVX2'})"


def timed(fn, *args, **kw) -> tuple[float, float]:
    "(wall seconds, CPU-seconds of this process) of one call."
    w, c = time.perf_counter(), time.process_time()
    fn(*args, **kw)
    return time.perf_counter() - w, time.process_time() - c


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=512); ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--latency-n", type=int, default=20, help="single sentences timed for the batch-1 latency")
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
    print(f"CPU: {cpu_info()}; torch {torch.__version__}, {torch.get_num_threads()} threads; {a.n} sentences, "
          f"{a.repeats} round(s)")
    set_seed(0)
    model = MultiTaskModel(SentenceEncoder(DEFAULT_MODEL), shipped_tasks()).eval()
    work = Path(tempfile.mkdtemp(prefix="mtst_serve_"))
    export_onnx(model, work / "onnx", quantize="int8")
    fp32, int8 = OnnxModel(work / "onnx"), OnnxModel(work / "onnx", int8=True)
    from sentence_transformers import SentenceTransformer
    st = SentenceTransformer(str(default_model_dir()), device="cpu")
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
    for r in range(a.repeats):
        for k in names[r % len(names):] + names[:r % len(names)]:   # rotating order
            enc, pred = rows[k]
            enc_t[k].append(timed(enc, texts, batch_size=32))
            if pred: pred_t[k].append(timed(pred, texts, batch_size=32))
            t0 = time.perf_counter()
            for t in texts[:a.latency_n]: enc(t)
            lat[k].append((time.perf_counter() - t0) / a.latency_n * 1000)
    ref = min(w for w, _ in enc_t["sentence-transformers PyTorch fp32"])
    print(f"\n{'backend':38} {'encode sent/s':>13} {'x ST fp32':>9} {'spread (s)':>13} {'CPU-s':>6} {'batch-1 ms':>10} {'predict sent/s':>14}")
    for k in names:
        best = min(enc_t[k]); walls = [w for w, _ in enc_t[k]]
        p = f"{a.n / min(w for w, _ in pred_t[k]):14.1f}" if k in pred_t else f"{'-':>14}"
        print(f"{k:38} {a.n / best[0]:13.1f} {ref / best[0]:9.2f} {min(walls):6.2f}-{max(walls):<6.2f} {best[1]:6.1f} "
              f"{min(lat[k]):10.1f} {p}")
    a32 = model.encoder.encode(texts[:64]); q = int8.encode(texts[:64])
    cos = (a32 * q).sum(1) / np.linalg.norm(a32, axis=1) / np.linalg.norm(q, axis=1)
    print(f"\nint8 vs fp32 embeddings: minimum cosine {cos.min():.4f} over 64 sentences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
