"""Tiny training run used by tests/test_training.py in subprocesses (kill -9 / resume, and 2-process DDP).

    python tests/ddp_worker.py --backbone DIR --out RUN [--resume] [--step-sleep S]
    torchrun --standalone --nproc_per_node 2 tests/ddp_worker.py --backbone DIR --out RUN --weights-out W

Prints the final metrics as one JSON line, with `steps_run`: the optimizer steps this process ran (after a
resume: only the remaining ones). `--init-seed` seeds the model's fresh heads (a resume must not depend on
them). With --weights-out every rank writes a digest of its weights and every file-system write it made
under --out (seen by an audit hook), to W.rank<R>.json. `--also '[[ARGS...], ...]'` runs further runs after the first in
the same processes (the tests' 2-process runs share one launch: start-up is most of their cost)."""
import argparse
import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path

import torch

torch.set_num_threads(1)  # same arithmetic in every process, whatever else runs on the machine


def subprocess_env(hashseed: str = "0") -> dict:
    "Environment of a worker subprocess: the repository importable; `hashseed` (runs that must agree get different ones)."
    from pathlib import Path
    root = str(Path(__file__).resolve().parents[1])
    return {**os.environ, "PYTHONHASHSEED": hashseed, "PYTHONPATH": os.pathsep.join([root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]),
            "HF_HUB_DISABLE_PROGRESS_BARS": "1", "TOKENIZERS_PARALLELISM": "false"}


def launch_command() -> list:
    "The command that starts this worker in 2 CPU processes through `accelerate launch` (gloo); append its arguments."
    import shutil
    launch = shutil.which("accelerate") or str(Path(sys.executable).with_name("accelerate"))
    return [launch, "launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1", "--mixed_precision", "no",
            "--dynamo_backend", "no", __file__]


def launch_two(args: list, timeout: int = 240):
    "Run this worker in 2 CPU processes (`launch_command`); returns the CompletedProcess."
    import subprocess
    return subprocess.run(launch_command() + [str(a) for a in args], env=subprocess_env(), capture_output=True, text=True,
                          timeout=timeout)


def synthetic(n: int, seed: int):
    "Sentences with a topic label and STORE entities; some labelled for one task only."
    from mtst.data import Example, Span
    words = "alpha beta gamma delta store app pay card late slow fast good bad".split()
    r, out = random.Random(seed), []
    for i in range(n):
        w = [r.choice(words) for _ in range(r.randint(3, 8))]
        text = " ".join(w)
        start = text.find("store")
        labels = {"topic": "app" if "app" in w else "store",
                  "ner": [Span(start, start + 5, "STORE")] if start >= 0 else []}
        if i % 4 == 1: labels.pop("ner")
        if i % 5 == 2: labels.pop("topic")
        out.append(Example(text, labels, f"synthetic:{i}"))
    return out


def synthetic_pairs(n: int, seed: int):
    "Sentence pairs with a similarity score (0-5): the same words shuffled score high, other words low."
    from mtst.data import Example
    words = "alpha beta gamma delta store app pay card late slow fast good bad".split()
    r, out = random.Random(seed), []
    for i in range(n):
        w = [r.choice(words) for _ in range(r.randint(3, 6))]
        same = i % 2 == 0
        v = r.sample(w, len(w)) if same else [r.choice(words) for _ in range(r.randint(3, 6))]
        out.append(Example(" ".join(w), {"sts": 4.0 + r.random() if same else r.random() * 2}, f"pairs:{i}", pair=" ".join(v)))
    return out


def write_tiny_config(folder, backbone: str, validation: bool = True, **training) -> str:
    "A YAML config (and its JSONL files) training `tiny_tasks` on `synthetic` data with `backbone`; returns its path."
    import yaml
    from pathlib import Path
    folder = Path(folder); folder.mkdir(parents=True, exist_ok=True)
    for name, (n, seed) in {"train": (24, 0), "validation": (12, 1)}.items():
        rows = []
        for e in synthetic(n, seed):
            row = {"text": e.text}
            if "topic" in e.labels: row["topic"] = e.labels["topic"]
            if "ner" in e.labels: row["entities"] = [{"start": s.start, "end": s.end, "label": s.label} for s in e.labels["ner"]]
            rows.append(json.dumps(row))
        (folder / f"{name}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    cfg = {"backbone": backbone, "normalize": False, "max_length": 32, "output_dir": "run",
           "tasks": [{"name": "topic", "kind": "sequence", "format": "jsonl", "train": "train.jsonl",
                      "validation": "validation.jsonl", "labels": ["app", "store"]},
                     {"name": "ner", "kind": "token", "format": "jsonl", "train": "train.jsonl",
                      "validation": "validation.jsonl", "labels": ["STORE"]}],
           "training": {"epochs": 1, "batch_size": 8, "lr": 1e-3, "seed": 0, "schedule": "proportional", **training}}
    if not validation:
        for t in cfg["tasks"]: t.pop("validation")
    path = folder / "tiny.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return str(path)


def tiny_tasks():
    from mtst.data import Task
    return [Task("topic", "sequence", ("app", "store")), Task.for_entities("ner", ["STORE"])]


def build(backbone: str, seed: int = 0, pairs: bool = False):
    from mtst.data import Task
    from mtst.encoder import SentenceEncoder
    from mtst.multitask import MultiTaskModel
    torch.manual_seed(seed)
    extra = [Task("sts", "similarity", score_range=(0, 5))] if pairs else []
    return MultiTaskModel(SentenceEncoder(backbone, max_length=32), tiny_tasks() + extra)


def encoder_digest(model) -> str:
    h = hashlib.sha256()
    for k, v in sorted(model.encoder.state_dict().items()): h.update(k.encode()); h.update(v.detach().cpu().numpy().tobytes())
    return h.hexdigest()


class CountSteps:
    "Callback counting the optimizer steps run in this process."
    def __init__(self): self.n = 0
    def on_step_end(self, step, trainer): self.n += 1


def audit_writes(folder: str) -> list:
    "Record every write-like file-system event under `folder` made by this process (open for writing, mkdir, rename, ...)."
    root, seen = os.path.abspath(folder), []
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def under(p):
        try: return (q := os.path.abspath(os.fsdecode(p))) == root or q.startswith(root + os.sep)   # not a sibling "run-w"
        except TypeError: return False  # file descriptors

    def hook(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            mode, flags = args[1] or "", args[2] or 0
            if (any(c in str(mode) for c in "wax+") or flags & write_flags) and under(args[0]): seen.append((event, os.fsdecode(args[0])))
        elif event in ("os.mkdir", "os.rename", "os.remove", "os.rmdir", "shutil.rmtree", "os.symlink", "os.truncate") \
                and args and isinstance(args[0], (str, bytes, os.PathLike)) and under(args[0]):
            seen.append((event, os.fsdecode(args[0])))
    sys.addaudithook(hook)
    return seen


class Poison:
    "Callback: after step `step`, process `rank` fills its heads with NaN (its next loss is NaN; the others' are finite)."
    def __init__(self, rank, step): self.rank, self.step = rank, step
    def on_step_end(self, step, trainer):
        if step == self.step and trainer.rank == self.rank:
            with torch.no_grad():
                for p in trainer.model.heads.parameters(): p.fill_(float("nan"))


class StopOn:
    "Callback: process `rank` alone asks to stop after step `step` (as a time or quality limit measured locally would)."
    def __init__(self, rank, step): self.rank, self.step = rank, step
    def on_step_end(self, step, trainer):
        if step == self.step and trainer.rank == self.rank: trainer.state.stop = True


class Sleep:
    "Callback slowing each step down, so a test can kill the process mid-epoch."
    def __init__(self, s): self.s = s
    def on_step_end(self, step, trainer): time.sleep(self.s)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backbone", required=True); ap.add_argument("--out", required=True)
    ap.add_argument("--resume", action="store_true"); ap.add_argument("--step-sleep", type=float, default=0.0)
    ap.add_argument("--epochs", type=int, default=2); ap.add_argument("--n-train", type=int, default=40)
    ap.add_argument("--schedule", default="temperature"); ap.add_argument("--balancing", default="uncertainty")
    ap.add_argument("--weights-out"); ap.add_argument("--max-steps", type=int)
    ap.add_argument("--init-seed", type=int, default=0)
    ap.add_argument("--grad-accum", type=int, default=1)
    ap.add_argument("--unfreeze-at", type=int, help="freeze the backbone before fit(); a callback unfreezes it at this epoch")
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--pairs", action="store_true", help="add a similarity task over sentence pairs (one encoder pass per batch)")
    ap.add_argument("--lora", type=int, help="train a LoRA adapter of this rank (mtst.lora) instead of the full backbone")
    ap.add_argument("--lora-per-task", action="store_true", help="with --lora: one adapter per task plus the shared one")
    ap.add_argument("--poison", type=int, nargs=2, metavar=("RANK", "STEP"), help="NaN heads on one process after a step")
    ap.add_argument("--stop", type=int, nargs=2, metavar=("RANK", "STEP"), help="one process asks to stop after a step")
    ap.add_argument("--also", help="JSON list of further argument lists, each run after this one in the same processes "
                                   "(one launch, several runs: process start-up is most of a tiny run's cost)")
    return ap


def run(a) -> tuple:
    "One training run as the arguments `a` say; returns (trainer, metrics, steps this process ran)."
    writes = audit_writes(a.out) if a.weights_out else []
    counter = CountSteps()
    from mtst.training import MultiTaskTrainer, TrainConfig
    cfg = TrainConfig(epochs=a.epochs, batch_size=a.batch_size, lr=2e-3, warmup_ratio=0.2, schedule=a.schedule,
                      balancing=a.balancing, save_every=2, eval_every=4, early_stopping_patience=None,
                      output_dir=a.out, progress=False, seed=1, max_steps=a.max_steps, grad_accum=a.grad_accum,
                      callbacks=[counter] + ([Sleep(a.step_sleep)] if a.step_sleep else []) + ([Poison(*a.poison)] if a.poison else [])
                      + ([StopOn(*a.stop)] if a.stop else []))
    model = build(a.backbone, a.init_seed, a.pairs)
    if a.lora:
        from mtst.lora import add_lora
        add_lora(model, r=a.lora, alpha=2 * a.lora, per_task=a.lora_per_task)
    encoder_before = encoder_digest(model)
    if a.unfreeze_at is not None:
        from mtst.freezing import freeze, unfreeze
        freeze(model, "backbone")
        class UnfreezeAt:   # a callback: the backbone trains from epoch `a.unfreeze_at` on
            def on_epoch_begin(self, epoch, ctx):
                if epoch == a.unfreeze_at: unfreeze(ctx.model)
        cfg.callbacks.append(UnfreezeAt())
    more = (synthetic_pairs(a.n_train, 0), synthetic_pairs(16, 1)) if a.pairs else ([], [])
    trainer = MultiTaskTrainer(model, synthetic(a.n_train, 0) + more[0], synthetic(16, 1) + more[1], cfg)
    try: metrics = trainer.fit(resume=a.resume)
    except Exception as e:   # what each process was told, for the tests (the traceback still follows)
        if a.weights_out: Path(f"{a.weights_out}.rank{os.environ.get('RANK', 0)}.error").write_text(f"{type(e).__name__}: {e}")
        raise
    if a.weights_out:
        rank = int(os.environ.get("RANK", 0))
        h = hashlib.sha256()
        for k, v in sorted(trainer.model.state_dict().items()): h.update(k.encode()); h.update(v.detach().cpu().numpy().tobytes())
        for k, v in sorted(trainer.balancer.state_dict().items()): h.update(k.encode()); h.update(v.detach().cpu().numpy().tobytes())
        with open(f"{a.weights_out}.rank{rank}.json", "w") as f:
            json.dump({"digest": h.hexdigest(), "steps": trainer.global_step, "steps_run": counter.n,
                       "world": int(os.environ.get("WORLD_SIZE", 1)), "writes": sorted(set(writes)),
                       "connected": bool(trainer.dist) and torch.distributed.is_initialized(),   # really one DDP run
                       "encoder_changed": encoder_digest(trainer.model) != encoder_before}, f)
    return trainer, metrics, counter.n


def main():
    torch.set_num_threads(1)
    ap = parser()
    a = ap.parse_args()
    done = [run(a)]
    for more in json.loads(a.also or "[]"): done.append(run(ap.parse_args([str(x) for x in more])))
    from mtst.training import shutdown_distributed
    shutdown_distributed()
    if int(os.environ.get("RANK", 0)) == 0:   # one JSON line per run, in order (the last line: the last run)
        for trainer, metrics, steps_run in done:
            print(json.dumps({"metrics": {k: v for k, v in metrics.items() if k != "report"},
                              "steps": trainer.global_step, "history_rows": len(trainer.history_rows),
                              "steps_run": steps_run}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
