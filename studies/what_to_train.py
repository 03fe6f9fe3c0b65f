"""Study: what to train (lesson 03's question) on real data: CoNLL-2003 NER and SST-2, one task per model.

    python studies/what_to_train.py                      # full: the rate grids (seed 0), 3 seeds per strategy, the curve
    python studies/what_to_train.py --seeds 0            # one seed (a newcomer's check against the stored numbers)
    python studies/what_to_train.py --budget smoke       # minutes: the tests' size
    python studies/what_to_train.py --arms "top-2 lr=0.0001/ner"   # some arms only; recorded runs are skipped (resume)

The same splits, sizes, batch, schedule, evaluation and early stopping as `multi_vs_single.py` at the same budget.
Each strategy trains a fresh all-MiniLM-L6-v2 (or `--model`) with one head:

- `full`: every weight trains (the reference; `multi_vs_single.py`'s `single/<task>` rows are the same design at
  lr 5e-5, and are not mixed in: this study's grid runs its own);
- `frozen`: the backbone frozen, only the head trains (at a head's rates);
- `top-2`: the embeddings and the bottom four layers frozen, the top two layers and the head train;
- `LLRD`: everything trains, each layer down at 0.8x the rate of the one above (`mtst.freezing.layerwise_lr_groups`);
- `gradual`: ULMFiT-style gradual unfreezing over the budget's epochs (`mtst.freezing.GradualUnfreezing`: the top
  half of the layers and the head in the first epoch, everything from the second on);
- `random init`: the same architecture with freshly initialised weights, fully trained (what pre-training gives);
- `lora r=8`: LoRA rank 8 on every linear layer of the encoder (`lora.py`'s settings), the head fully trained.

Phases, each resumable run by run:

1. the learning rate of each strategy, chosen on validation from its `GRIDS` row with seed 0 (every grid point is a run);
2. seeds 1 and 2 at the chosen rate (3 seeds per strategy);
3. the data-size curve: full fine-tuning, the frozen backbone and LoRA (`CURVE_STRATEGIES`) at their chosen rates on the first `n` training sentences (`CURVE`; nested
   subsets of the full training set, the same validation split), 3 seeds; smaller sets get more epochs (`curve_epochs`)
   and early stopping on validation, so that every point is a trained model.

Trainable parameters, CPU-seconds, peak memory and the validation curve are in each run's record.
"""
from __future__ import annotations

import math
from functools import partial

import common
from lora import LORA
from multi_vs_single import BUDGETS, TRAIN

STUDY = "what_to_train"
TASKS = ("ner", "sst2")
GRIDS = {   # learning rates tried per strategy (seed 0); the head trains at the same rate
    "full": (2e-5, 5e-5, 1e-4, 2e-4, 5e-4),   # 2e-4, then 5e-4 added while the grid's top kept winning on NER
    "frozen": (1e-3, 3e-3, 1e-2, 3e-2, 1e-1),   # 3e-2, then 1e-1 added while the grid's top kept winning on NER
    "top-2": (2e-4, 5e-4, 1e-3, 2e-3),         # fewer layers train: higher rates; 2e-3 added when 1e-3 won on NER
    "LLRD": (1e-4, 2e-4, 5e-4, 1e-3, 2e-3),    # 1e-3, then 2e-3 added while the top won on NER (0.8 per layer down)
    "gradual": (1e-4, 2e-4, 5e-4),
    "random init": (1e-4, 2e-4, 5e-4, 1e-3),   # 1e-3 added before its first run: no pre-trained weights to keep
    "lora r=8": (1e-3, 2e-3, 5e-3),   # the LoRA study's grid without 5e-4 (it lost on both tasks there); 5e-3 added when 2e-3 won on NER
}
CURVE_STRATEGIES = ("full", "frozen", "lora r=8")   # the data-size curve: the three that differ most in what trains
LLRD_DECAY = 0.8
CURVE = {"smoke": {"ner": [8], "sst2": [8]},   # training sentences per curve point (the budget's full size is the last point)
         "course": {"ner": [100, 300], "sst2": [100, 300]},
         "full": {"ner": [250, 1000, 2500], "sst2": [250, 1000, 3000]}}
MAX_CURVE_EPOCHS = 10


def arm(strategy: str, lr: float, task: str, n: int | None = None) -> str:
    return f"{strategy} lr={lr:g}/{task}" + (f"/n={n}" if n else "")


def curve_epochs(n: int, full: int, epochs: int) -> int:
    "Epochs for `n` training sentences: the full set's number of examples seen, at most `MAX_CURVE_EPOCHS` epochs."
    return max(epochs, min(MAX_CURVE_EPOCHS, math.ceil(epochs * full / n)))


class Gradual:
    """Callback: gradual unfreezing of the model being trained (a new `GradualUnfreezing` per run), applied per epoch:
    the top half of the layers (and the head) in the first epoch, every layer and the embeddings from the second on."""
    def __init__(self): self.gu = None
    def on_train_begin(self, trainer):
        from mtst.freezing import GradualUnfreezing
        n = GradualUnfreezing(trainer.model).n_layers
        self.gu = GradualUnfreezing(trainer.model, start=max(1, n // 2), step=n)
    def on_epoch_begin(self, epoch, trainer): self.gu.on_epoch_begin(epoch)


def random_init(model) -> None:
    "Replace the backbone's pre-trained weights by a fresh initialisation of the same architecture (seeded by the run)."
    from transformers import AutoModel
    bb = model.encoder.backbone
    bb.load_state_dict(AutoModel.from_config(bb.config).state_dict())


def setups(lr: float, epochs: int, b: dict):
    "{strategy: (TrainConfig, prepare)} at learning rate `lr` and `epochs` epochs."
    from mtst.freezing import freeze, layerwise_lr_groups
    from mtst.lora import add_lora
    from mtst.training import TrainConfig
    cfg = lambda **kw: TrainConfig(epochs=epochs, eval_every=b["eval_every"], early_stopping_patience=b["patience"],
                                   **{**TRAIN, "lr": lr, **kw})
    groups = lambda decay, only: partial(layerwise_lr_groups, base_lr=lr, decay=decay, weight_decay=TRAIN["weight_decay"],
                                         trainable_only=only)
    return {"full": (cfg(), None),
            "frozen": (cfg(), lambda m: freeze(m, "backbone")),
            "top-2": (cfg(), lambda m: freeze(m, "top:2")),
            "LLRD": (cfg(param_groups=groups(LLRD_DECAY, True)), None),
            "gradual": (cfg(param_groups=groups(1.0, False), callbacks=[Gradual()]), None),
            "random init": (cfg(), random_init),
            "lora r=8": (cfg(), partial(add_lora, r=8, **LORA))}


def main(argv=None) -> None:
    a = common.parse(__doc__, argv)
    common.quiet()
    from mtst.course.studies import chosen_rates, study_splits
    b = {**BUDGETS[a.budget], "sizes": {t: BUDGETS[a.budget]["sizes"][t] for t in TASKS}}
    design = {"budget": b, "train": TRAIN, "grids": GRIDS, "llrd_decay": LLRD_DECAY, "curve": CURVE[a.budget],
              "curve_strategies": CURVE_STRATEGIES, "lora": LORA, "max_curve_epochs": MAX_CURVE_EPOCHS, "model": a.model or "sentence-transformers/all-MiniLM-L6-v2"}
    unit = lambda t, cfg_prep: ([t], *cfg_prep)
    grid = {arm(s, lr, t): unit(t, setups(lr, b["epochs"], b)[s]) for t in TASKS for s in GRIDS for lr in GRIDS[s]}
    curve_names = {arm(s, lr, t, n): None for t in TASKS for s in CURVE_STRATEGIES for lr in GRIDS[s] for n in CURVE[a.budget][t]}
    res = common.open_results(STUDY, a, design, {**grid, **curve_names})
    splits = study_splits(b["sizes"], n_val=b["n_val"], n_test=b["n_test"], test_limit=b["test_limit"], data_dir=a.data_dir)
    seeds = a.seeds or b["seeds"]
    for t in TASKS:                                                                     # 1. the rates, on seed 0
        common.run_all(res, a, splits, {k: v for k, v in grid.items() if k.endswith(f"/{t}")}, seeds[:1])
    rates = chosen_rates(res.data)   # the best validation score of the first seed, once a strategy's grid is complete
    chosen = {(s, t): rates[(s, t)] for t in TASKS for s in GRIDS if (s, t) in rates}
    for t in TASKS:
        for s in GRIDS:
            if (s, t) not in chosen: print(f"{s}/{t}: the rate grid is incomplete; its seeds and curve wait for it")
    print("rates chosen on validation (seed 0): " + ", ".join(f"{s}/{t} {lr:g}" for (s, t), lr in chosen.items()), flush=True)
    common.run_all(res, a, splits, {arm(s, lr, t): grid[arm(s, lr, t)] for (s, t), lr in chosen.items()}, seeds)   # 2.
    for (s, t), lr in ((k, v) for k, v in chosen.items() if k[0] in CURVE_STRATEGIES):   # 3. the data-size curve
        for n in CURVE[a.budget][t]:
            sub = {**splits, "train": {**splits["train"], t: splits["train"][t][:n]}}
            ep = curve_epochs(n, b["sizes"][t], b["epochs"])
            cfg, prep = setups(lr, ep, {**b, "eval_every": max(1, math.ceil(ep * n / TRAIN["batch_size"] / 8))})[s]
            common.run_all(res, a, sub, {arm(s, lr, t, n): ([t], cfg, prep)}, seeds)


if __name__ == "__main__":
    common.cli(main)
