"""Study: LoRA (through peft) against full fine-tuning and a frozen backbone, on CoNLL-2003 NER and SST-2.

    python studies/lora.py                       # full: the learning-rate grid (seed 0), then 3 seeds per arm
    python studies/lora.py --seeds 0             # one seed
    python studies/lora.py --budget smoke        # minutes: the tests' size

The same splits, sizes, batch, schedule, evaluation and early stopping as `multi_vs_single.py` (its `full` budget),
so its `single/ner` and `single/sst2` runs are the full fine-tuning rows (lr 5e-5, the course's rate) and are not
trained again. Arms, one task each, every one a fresh all-MiniLM-L6-v2 with its head:

- `lora r=8 lr=<lr>/<task>`: LoRA rank 8 (alpha 16) on every linear layer of the encoder (query, key, value and the
  three `dense` projections of each block: peft's default for BERT, query and value only, reached NER test F1 0.47 at
  lr 2e-4 in one exploratory run, not kept in the results file), the head fully trained; the learning rate is chosen on
  validation from `GRID` with seed 0 (every grid point is a run of its own), then seeds 1 and 2 run at that rate;
- `lora r=4 …`, `lora r=16 …`: ranks 4 and 16 at the rate chosen for rank 8, 3 seeds;
- `frozen/<task>`: the backbone frozen, only the head trains (lr `FROZEN_LR`), 3 seeds.

Trainable parameters, CPU-seconds, peak memory and the validation curve are in each run's record.
"""
from __future__ import annotations

from functools import partial

import common
from multi_vs_single import BUDGETS, TRAIN

STUDY = "lora"
TASKS = ("ner", "sst2")
GRID = (5e-4, 1e-3, 2e-3)      # LoRA learning rates tried at rank 8 with seed 0
RANKS = (4, 8, 16)
FROZEN_LR = 1e-3
LORA = dict(alpha=16, dropout=0.0, target_modules=["query", "key", "value", "dense"])


def lora_arm(r: int, lr: float, task: str) -> str: return f"lora r={r} lr={lr:g}/{task}"


def chosen_lr(res, task: str):
    "The grid rate with the best validation score (seed 0), once every grid run of `task` is in `res`; else None."
    from mtst.course.studies.reading import _metric
    runs = {r["arm"]: r for r in res.data["runs"]}
    got = [(_metric(task, runs[lora_arm(8, lr, task)]["validation"][task]), lr) for lr in GRID
           if lora_arm(8, lr, task) in runs]
    return max(got)[1] if len(got) == len(GRID) else None


def main(argv=None) -> None:
    a = common.parse(__doc__, argv)
    common.quiet()
    from mtst.freezing import freeze
    from mtst.lora import add_lora
    from mtst.course.studies import study_splits
    from mtst.training import TrainConfig
    b = {**BUDGETS[a.budget], "sizes": {t: BUDGETS[a.budget]["sizes"][t] for t in TASKS}}
    design = {"budget": b, "train": TRAIN, "grid": GRID, "ranks": RANKS, "lora": LORA, "frozen_lr": FROZEN_LR,
              "model": a.model or "sentence-transformers/all-MiniLM-L6-v2"}
    cfg = lambda lr: TrainConfig(epochs=b["epochs"], eval_every=b["eval_every"], early_stopping_patience=b["patience"],
                                 **{**TRAIN, "lr": lr})
    lora = lambda r: partial(add_lora, r=r, **LORA)
    grid = {lora_arm(8, lr, t): ([t], cfg(lr), lora(8)) for t in TASKS for lr in GRID}
    frozen = {f"frozen/{t}": ([t], cfg(FROZEN_LR), lambda m: freeze(m, "backbone")) for t in TASKS}
    every = {lora_arm(r, lr, t): None for r in RANKS for lr in GRID for t in TASKS}   # the names --arms may give
    res = common.open_results(STUDY, a, design, {**every, **grid, **frozen})
    splits = study_splits(b["sizes"], n_val=b["n_val"], n_test=b["n_test"], test_limit=b["test_limit"], data_dir=a.data_dir)
    seeds = a.seeds or b["seeds"]
    common.run_all(res, a, splits, grid, [s for s in seeds if s == seeds[0]])          # 1. the rate, on seed 0
    arms = {}
    for t in TASKS:
        lr = chosen_lr(res, t)
        if lr is None: print(f"{t}: the learning-rate grid is incomplete; the rank arms wait for it"); continue
        print(f"{t}: learning rate {lr:g} chosen on validation (rank 8, seed {seeds[0]})", flush=True)
        arms.update({lora_arm(r, lr, t): ([t], cfg(lr), lora(r)) for r in RANKS})
    common.run_all(res, a, splits, arms, seeds)                                            # 2. ranks x seeds
    common.run_all(res, a, splits, frozen, seeds)                                          # 3. the frozen rows


if __name__ == "__main__":
    common.cli(main)
