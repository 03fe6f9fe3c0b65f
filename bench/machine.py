"""What the benchmarks share about the machine: the CPU and its flags, and the peaks a speed figure is measured against.

* `cpu_info()`: the CPU model, logical CPUs and the instruction sets that decide int8/bf16 speed;
* `matmul_gflops()`: fp32 matrix-multiply throughput of this CPU right now (torch, all its threads);
* `int8_gops()`: int8 matrix-multiply throughput as onnxruntime reaches it (a dynamically quantised MatMul:
  the operator the int8 serving graphs run), in giga-operations per second;
* `forward_flops()`: the useful FLOPs of a BERT-style forward pass over real tokens (padding is waste).

A benchmark prints its speed as useful FLOP/s and as a share of these peaks, measured in the same run, so every
figure says how much of the machine is left.
"""
from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8", "avx512_bf16", "amx_bf16")


def cpu_info() -> str:
    info = Path("/proc/cpuinfo")
    if not info.exists(): return platform.processor() or "unknown CPU"
    lines = info.read_text().splitlines()
    name = next((l.split(":", 1)[1].strip() for l in lines if l.startswith("model name")), "unknown CPU")
    flags = set(next((l.split(":", 1)[1].split() for l in lines if l.startswith("flags")), []))
    have = [f for f in FLAGS if f in flags]
    return f"{name} ({os.cpu_count()} logical CPUs; {', '.join(have) or 'no AVX2'})"


def matmul_gflops(size: int = 1024, repeats: int = 7) -> float:
    "fp32 matmul throughput of this CPU right now (median GFLOP/s)."
    import torch
    a, b = torch.randn(size, size), torch.randn(size, size)
    torch.mm(a, b)
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter(); torch.mm(a, b); ts.append(time.perf_counter() - t0)
    return 2 * size ** 3 / statistics.median(ts) / 1e9


def int8_gops(size: int = 1024, repeats: int = 7, threads: int | None = None) -> float:
    """int8 matmul throughput through onnxruntime (median giga-operations/s, 2 per multiply-add): a (size x size) fp32
    MatMul quantised by `quantize_dynamic` (int8 weights per channel, activations quantised on the fly), as in the
    serving graphs."""
    import numpy as np
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper
    from onnxruntime.quantization import QuantType, quantize_dynamic
    rng = np.random.default_rng(0)
    w = numpy_helper.from_array(rng.standard_normal((size, size)).astype(np.float32), "W")
    graph = helper.make_graph([helper.make_node("MatMul", ["X", "W"], ["Y"])], "mm",
                              [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, size])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None, size])], [w])
    with tempfile.TemporaryDirectory() as tmp:
        f32, q8 = Path(tmp, "mm.onnx"), Path(tmp, "mm_int8.onnx")
        onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(f32))
        import logging
        level = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)   # its advice to pre-process: nothing to pre-process in one MatMul
        try: quantize_dynamic(str(f32), str(q8), weight_type=QuantType.QInt8, per_channel=True)
        finally: logging.getLogger().setLevel(level)
        opts = ort.SessionOptions()
        if threads: opts.intra_op_num_threads = threads
        sess = ort.InferenceSession(str(q8), opts, providers=["CPUExecutionProvider"])
    x = rng.standard_normal((size, size)).astype(np.float32)
    sess.run(None, {"X": x})
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter(); sess.run(None, {"X": x}); ts.append(time.perf_counter() - t0)
    return 2 * size ** 3 / statistics.median(ts) / 1e9


def forward_flops(lengths, cfg) -> float:
    "Multiply-add FLOPs (2 per multiply-add) of a BERT-style forward pass over real tokens (projections, FFN, attention)."
    H, I, L = cfg.hidden_size, cfg.intermediate_size, cfg.num_hidden_layers
    per_token = 2 * (4 * H * H + 2 * H * I)            # Q, K, V, O projections + the two FFN matrices
    return float(sum(L * (n * per_token + 4 * n * n * H) for n in lengths))   # + QK^T and AV
