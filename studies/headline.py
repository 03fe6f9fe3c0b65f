"""Study: lesson 04's headline model, trained until early stopping acts, over three seeds.

    python studies/headline.py                    # full: 3 seeds -> studies/results/headline.json
    python studies/headline.py --seeds 0          # one seed
    python studies/headline.py --budget smoke     # the tests' size

The model of lesson 04 §7: all-MiniLM-L6-v2 fully fine-tuned on the course data set (topic, sentiment and NER on every
sentence) with the `joint` schedule, AdamW, linear warm-up and decay, a higher learning rate for the heads. The lesson
runs it once, to a cap that fits the course's time budget; here each seed trains until validation (the mean of the
tasks' main metrics, once per epoch) has not improved for `patience` epochs, with a cap far above where that happens,
keeps the best epoch and scores it once on the test split.
"""
from __future__ import annotations

import common

STUDY = "headline"
BUDGETS = {
    "smoke":  dict(n_train=32, n_eval=16, epochs=2, patience=1, seeds=[0, 1]),
    "course": dict(n_train=None, n_eval=None, epochs=5, patience=2, seeds=[0]),
    "full":   dict(n_train=None, n_eval=None, epochs=30, patience=2, seeds=[0, 1, 2]),
}
TRAIN = dict(batch_size=16, lr=1e-4, head_lr=5e-3, max_length=64, schedule="joint", eval_before=False, metric="mean",
             load_best_at_end=True)   # lesson 04's settings


def main(argv=None) -> None:
    a = common.parse(__doc__, argv)
    common.quiet()
    from mtst.data import shipped_tasks
    from mtst.course.studies import shipped_splits
    from mtst.training import TrainConfig
    b = BUDGETS[a.budget]
    design = {"budget": b, "train": TRAIN, "model": a.model or "sentence-transformers/all-MiniLM-L6-v2"}
    arms = {"joint": ([t.name for t in shipped_tasks()], TrainConfig(epochs=b["epochs"], early_stopping_patience=b["patience"], **TRAIN))}
    res = common.open_results(STUDY, a, design, arms)
    common.run_all(res, a, shipped_splits(b["n_train"], b["n_eval"]), arms, a.seeds or b["seeds"])


if __name__ == "__main__":
    common.cli(main)
