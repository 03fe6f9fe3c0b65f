"""Study: task sampling schedules under the natural imbalance of the course's data sets.

    python studies/sampling.py                    # full: 5 schedules x 3 seeds -> studies/results/sampling.json
    python studies/sampling.py --seeds 0          # one seed
    python studies/sampling.py --budget smoke     # the tests' size

CoNLL-2003 NER, SST-2 and AG News share one fully fine-tuned all-MiniLM-L6-v2 encoder, with training sets in their
natural size ratio (14,041 : 67,349 : 120,000 sentences) scaled down as a whole, so NER is the scarce task. Each arm
is a sampling schedule of `mtst.training` on the same budget (the same number of optimizer steps, one task per step):
`proportional` (p ∝ n), `temperature` T = 2 and T = 5 (p ∝ n^(1/T)), `annealed` (α from 1 to 0.2 over the epochs,
Stickland & Murray 2019) and `round_robin` (equal shares). Every run ends at the budget (no early stopping: the
budget is the fixed quantity compared), is validated at each epoch's end and scored once on test (1,000 sentences of
each official dev file, and a held-out block of AG News); the steps each task really got are counted.
`mtst.course.studies.schedule_verdicts` pairs each schedule with proportional by seed.
"""
from __future__ import annotations

import common

STUDY = "sampling"
NATURAL = {"ner": 14041, "sst2": 67349, "agnews": 120000}   # training set sizes of the three data sets
BUDGETS = {   # fraction of the natural sizes, epochs over the scaled pools (the budget), seeds
    "smoke":  dict(fraction=0.0002, n_val=8, n_test=8, test_limit=16, epochs=2, eval_every=4, seeds=[0, 1]),
    "course": dict(fraction=0.006, n_val=300, n_test=500, test_limit=None, epochs=2, eval_every=40, seeds=[0, 1, 2]),
    "full":   dict(fraction=0.01, n_val=500, n_test=1000, test_limit=1000, epochs=2, eval_every=None, seeds=[0, 1, 2]),
}
ARMS = {"proportional": dict(schedule="proportional"), "temperature T=2": dict(schedule="temperature", temperature=2.0),
        "temperature T=5": dict(schedule="temperature", temperature=5.0), "annealed": dict(schedule="annealed"),
        "round_robin": dict(schedule="round_robin")}
TRAIN = dict(batch_size=16, lr=5e-5, warmup_ratio=0.1, weight_decay=0.01, max_grad_norm=1.0, max_length=128,
             eval_before=False, metric="mean", load_best_at_end=False)


def main(argv=None) -> None:
    a = common.parse(__doc__, argv)
    common.quiet()
    from mtst.course.studies import study_splits
    from mtst.training import TrainConfig
    b = BUDGETS[a.budget]
    sizes = {t: round(n * b["fraction"]) for t, n in NATURAL.items()}
    design = {"budget": b, "sizes": sizes, "train": TRAIN, "arms": ARMS, "model": a.model or "sentence-transformers/all-MiniLM-L6-v2"}
    arms = {arm: (list(NATURAL), TrainConfig(epochs=b["epochs"], eval_every=b["eval_every"], **kw, **TRAIN)) for arm, kw in ARMS.items()}
    res = common.open_results(STUDY, a, design, arms)
    splits = study_splits(sizes, n_val=b["n_val"], n_test=b["n_test"], test_limit=b["test_limit"], data_dir=a.data_dir)
    common.run_all(res, a, splits, arms, a.seeds or b["seeds"])


if __name__ == "__main__":
    common.cli(main)
