"""Study: one multi-task model against separate single-task models, on real data (CoNLL-2003 NER, SST-2, AG News).

    python studies/multi_vs_single.py                      # full: 3 seeds x 4 arms -> studies/results/multi_vs_single.json
    python studies/multi_vs_single.py --seeds 0            # one seed (a newcomer's check against the stored numbers)
    python studies/multi_vs_single.py --budget smoke       # minutes: the tests' size
    python studies/multi_vs_single.py --arms single/ner    # some arms only; recorded runs are skipped (resume)

Arms, each a fresh all-MiniLM-L6-v2 encoder fully fine-tuned with its heads: `single/ner`, `single/sst2`,
`single/agnews` (one task each) and `multi` (the three tasks on one encoder, schedule `proportional`: every batch of
every task once per epoch, one task per optimizer step). Every run trains until early stopping on its validation
split (`mean` of the tasks' main metrics, evaluated every `eval_every` steps, `patience` evaluations without
progress), at most `epochs` epochs, keeps the best weights and scores them once on test (the official CoNLL-2003 and
SST-2 dev files; a held-out part of the AG News file). Curves (validation, steps, seconds, CPU-seconds) are logged,
with a point at the end of each epoch, so `mtst.course.studies.multi_vs_single_readings` reads the comparison at equal examples, at
equal encoder steps and after training from the same runs.
"""
from __future__ import annotations

import common

STUDY = "multi_vs_single"
TASKS = ("ner", "sst2", "agnews")
BUDGETS = {   # training sizes per task, validation size, evaluation and stopping, seeds
    "smoke":  dict(sizes={"ner": 16, "sst2": 16, "agnews": 16}, n_val=8, n_test=8, test_limit=16, epochs=2,
                   eval_every=2, patience=2, seeds=[0, 1]),
    "course": dict(sizes={"ner": 600, "sst2": 600, "agnews": 600}, n_val=300, n_test=500, test_limit=None, epochs=2,
                   eval_every=40, patience=2, seeds=[0, 1, 2]),
    "full":   dict(sizes={"ner": 5000, "sst2": 10000, "agnews": 8000}, n_val=500, n_test=1000, test_limit=None, epochs=2,
                   eval_every=300, patience=2, seeds=[0, 1, 2]),
}
TRAIN = dict(batch_size=16, lr=5e-5, warmup_ratio=0.1, weight_decay=0.01, max_grad_norm=1.0, max_length=128,
             schedule="proportional", eval_before=False, metric="mean", load_best_at_end=True)


def main(argv=None) -> None:
    a = common.parse(__doc__, argv)
    common.quiet()
    from mtst.course.studies import study_splits
    from mtst.training import TrainConfig
    b = BUDGETS[a.budget]
    design = {"budget": b, "train": TRAIN, "model": a.model or "sentence-transformers/all-MiniLM-L6-v2"}
    cfg = lambda: TrainConfig(epochs=b["epochs"], eval_every=b["eval_every"], early_stopping_patience=b["patience"], **TRAIN)
    arms = {**{f"single/{t}": ([t], cfg()) for t in TASKS}, "multi": (list(TASKS), cfg())}
    res = common.open_results(STUDY, a, design, arms)
    splits = study_splits(b["sizes"], n_val=b["n_val"], n_test=b["n_test"], test_limit=b["test_limit"], data_dir=a.data_dir)
    common.run_all(res, a, splits, arms, a.seeds or b["seeds"])


if __name__ == "__main__":
    common.cli(main)
