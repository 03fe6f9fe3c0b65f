"""Study: loss and gradient balancing where the shared layers train (lesson 04b's question), on CoNLL-2003 NER and SST-2.

    python studies/balancing.py                      # full: 3 seeds x every arm -> studies/results/balancing.json
    python studies/balancing.py --seeds 0            # one seed (a newcomer's check against the stored numbers)
    python studies/balancing.py --budget smoke       # minutes: the tests' size

Lesson 04b compares the balancing methods on a frozen backbone with one residual adapter, where the two tasks'
gradients are nearly orthogonal and the methods have nothing to fix. Here every weight of all-MiniLM-L6-v2 (or
`--model`) trains, so the tasks share six transformer layers whose gradients can conflict. Arms, each a fresh encoder
with both heads, `joint` steps (every batch holds examples of both tasks; PCGrad and FAMO need every task in each step):

- `static equal`, `static ner x2`, `static sst2 x2`: fixed loss weights; the static weights are tuned on validation
  by choosing the best of the three (the reading `static tuned`);
- `uncertainty` (Kendall et al. 2018), `dwa` (Liu et al. 2019), `pcgrad` (Yu et al. 2020), `famo` (Liu et al. 2023);
- `single/ner`, `single/sst2`: one task each, the same examples and epochs (Δm% is relative to them).

Every multi-task run measures the cosine between the two tasks' gradients per layer group every `conflicts_every`
steps (`mtst.training.gradients.GradientConflicts`, on a fixed probe batch) and records its summary (`conflicts`: mean
cosine and the share of measurements below 0, per layer group). Early stopping on the validation mean; test scored once.
"""
from __future__ import annotations

import common
from multi_vs_single import TRAIN

STUDY = "balancing"
TASKS = ("ner", "sst2")
BUDGETS = {
    "smoke":  dict(sizes={"ner": 16, "sst2": 16}, n_val=8, n_test=8, test_limit=16, epochs=2, eval_every=2, patience=2,
                   conflicts_every=2, seeds=[0, 1]),
    "course": dict(sizes={"ner": 300, "sst2": 300}, n_val=200, n_test=500, test_limit=None, epochs=2, eval_every=20,
                   patience=2, conflicts_every=10, seeds=[0, 1, 2]),
    "full":   dict(sizes={"ner": 2000, "sst2": 2000}, n_val=500, n_test=1000, test_limit=None, epochs=3, eval_every=100,
                   patience=2, conflicts_every=50, seeds=[0, 1, 2]),
}
UP_WEIGHT = 2.0
METHODS = ("uncertainty", "dwa", "pcgrad", "famo")


class Conflicts:
    "Callback: the gradient-conflict summary of the run (`mtst.training.gradients.conflict_summary` of its history), at its end."
    def __init__(self): self.summary = None
    def on_train_end(self, trainer):
        from mtst.training.gradients import conflict_summary
        s = conflict_summary(trainer.history).reset_index()
        self.summary = {f"{r.pair} {r.group}": {"mean_cos": round(float(r.mean_cos), 5), "conflict_share": round(float(r.conflict_share), 4),
                                                "measurements": int(r.measurements)} for r in s.itertuples()}


def main(argv=None) -> None:
    a = common.parse(__doc__, argv)
    common.quiet()
    from mtst.course.studies import study_splits
    from mtst.training import TrainConfig
    b = BUDGETS[a.budget]
    train = {**TRAIN, "schedule": "joint"}
    design = {"budget": b, "train": train, "up_weight": UP_WEIGHT, "model": a.model or "sentence-transformers/all-MiniLM-L6-v2"}

    def multi(**kw):
        cb = Conflicts()
        cfg = TrainConfig(epochs=b["epochs"], eval_every=b["eval_every"], early_stopping_patience=b["patience"],
                          conflicts_every=b["conflicts_every"], callbacks=[cb], **train, **kw)
        return (list(TASKS), cfg, None, lambda: {"conflicts": cb.summary})
    single = lambda t: ([t], TrainConfig(epochs=b["epochs"], eval_every=b["eval_every"], early_stopping_patience=b["patience"], **train))
    arms = {**{f"single/{t}": single(t) for t in TASKS}, "static equal": multi(),
            **{f"static {t} x{UP_WEIGHT:g}": multi(loss_weights={t: UP_WEIGHT}) for t in TASKS},
            **{m: multi(balancing=m) for m in METHODS}}
    res = common.open_results(STUDY, a, design, arms)
    splits = study_splits(b["sizes"], n_val=b["n_val"], n_test=b["n_test"], test_limit=b["test_limit"], data_dir=a.data_dir)
    common.run_all(res, a, splits, arms, a.seeds or b["seeds"])


if __name__ == "__main__":
    common.cli(main)
