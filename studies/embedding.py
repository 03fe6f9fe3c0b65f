"""Study: train the sentence embedding itself (STS-B with CoSENT or cosine-MSE), and keep it while a multi-task model
learns NER, SST-2 and AG News (issue "The embedding itself").

    python studies/embedding.py                      # full: 5 arms x 3 seeds -> studies/results/embedding.json
    python studies/embedding.py --seeds 0            # one seed (a newcomer's check against the stored numbers)
    python studies/embedding.py --budget smoke       # minutes: the tests' size
    python studies/embedding.py --arms stsb/cosent   # some arms only; recorded runs are skipped (resume)

Data: STS-B train (shuffled once, seed 0: the first `n_val` pairs are validation, the rest train), scored once on
STS-B dev (1,500 pairs: the test labels are not public, so dev is this study's test); CoNLL-2003, SST-2 and AG News
as in `multi_vs_single.py`; SICK's NLI labels (train / its own test split) as the pair task. Every arm fine-tunes a
fresh all-MiniLM-L6-v2 (mean pooling), keeps the weights with the best validation `mean`, and scores them once on test.

Arms:

- `stsb/cosent`, `stsb/cosine_mse`: STS-B alone, sentence-transformers' STS-B recipe (batch 16, lr 2e-5, 4 epochs,
  10% warm-up), with the two similarity losses;
- `multi`: NER + SST-2 + AG News on one encoder (as lesson 06), the STS-B dev Spearman of its encoder measured after
  training (the untrained encoder: 0.867 in the pooling study, the same pairs and pooling);
- `multi+stsb`: the same and STS-B (CoSENT) as a fourth task;
- `multi+stsb+nli`: and SICK NLI, a pair task (SBERT's classifier on (u, v, |u - v|)).

Every record also holds `stsb_dev_spearman`: the STS-B dev Spearman of the trained encoder's embeddings (cosine),
whatever the arm trained.
"""
from __future__ import annotations

from dataclasses import replace

import common

STUDY = "embedding"
MULTI = ("ner", "sst2", "agnews")
BUDGETS = {
    "smoke": dict(sizes={"ner": 16, "sst2": 16, "agnews": 16, "stsb": 24, "nli": 16}, n_val=12, n_test=8, test_limit=24,
                  sts_epochs=2, multi_epochs=2, sts_eval_every=2, eval_every=2, patience=2, seeds=[0, 1]),
    "course": dict(sizes={"ner": 400, "sst2": 400, "agnews": 400, "stsb": 800, "nli": 400}, n_val=200, n_test=300,
                   test_limit=None, sts_epochs=4, multi_epochs=2, sts_eval_every=25, eval_every=50, patience=3, seeds=[0, 1, 2]),
    "full": dict(sizes={"ner": 2000, "sst2": 2000, "agnews": 2000, "stsb": 5249, "nli": 2000}, n_val=500, n_test=1000,
                 test_limit=None, sts_epochs=4, multi_epochs=2, sts_eval_every=164, eval_every=250, patience=3, seeds=[0, 1, 2]),
}
STS_TRAIN = dict(batch_size=16, lr=2e-5, warmup_ratio=0.1, weight_decay=0.01, max_grad_norm=1.0, max_length=128,
                 schedule="proportional", eval_before=False, metric="mean", load_best_at_end=True)
MULTI_TRAIN = {**STS_TRAIN, "lr": 5e-5}   # multi_vs_single.py's rate


class _Keep:
    "`prepare` that remembers the run's model, and `finish` that measures its encoder on STS-B dev afterwards."
    def __init__(self, pairs): self.pairs, self.model = pairs, None
    def prepare(self, model): self.model = model
    def finish(self) -> dict:   # `evaluate_sts`'s figure, without its progress bars in the study's log
        import torch.nn.functional as F
        from mtst.encoder import spearman
        a, b = (self.model.encoder.encode([p[k] for p in self.pairs], convert_to_tensor=True, show_progress_bar=False)
                for k in ("sentence1", "sentence2"))
        return {"stsb_dev_spearman": round(float(spearman(F.cosine_similarity(a, b, dim=-1).numpy(), [p["score"] for p in self.pairs])), 5)}


def main(argv=None) -> None:
    a = common.parse(__doc__, argv)
    common.quiet()
    from mtst.studies import study_splits
    from mtst.training import TrainConfig
    b = BUDGETS[a.budget]
    design = {"budget": b, "sts_train": STS_TRAIN, "multi_train": MULTI_TRAIN,
              "model": a.model or "sentence-transformers/all-MiniLM-L6-v2"}
    sts_cfg = TrainConfig(epochs=b["sts_epochs"], eval_every=b["sts_eval_every"], early_stopping_patience=b["patience"], **STS_TRAIN)
    multi_cfg = TrainConfig(epochs=b["multi_epochs"], eval_every=b["eval_every"], early_stopping_patience=b["patience"], **MULTI_TRAIN)
    names = {"stsb/cosent": ["stsb"], "stsb/cosine_mse": ["stsb"], "multi": list(MULTI), "multi+stsb": [*MULTI, "stsb"],
             "multi+stsb+nli": [*MULTI, "stsb", "nli"]}
    res = common.open_results(STUDY, a, design, names)
    splits = study_splits(b["sizes"], n_val=b["n_val"], n_test=b["n_test"], test_limit=b["test_limit"], data_dir=a.data_dir)
    dev = [{"sentence1": e.text, "sentence2": e.pair, "score": e.labels["stsb"]} for e in splits["test"]["stsb"]]
    mse = {**splits, "tasks": [replace(t, loss="cosine_mse") if t.name == "stsb" else t for t in splits["tasks"]]}
    seeds = a.seeds or b["seeds"]
    arm = lambda name, cfg: (names[name], cfg, (k := _Keep(dev)).prepare, k.finish)
    # the answers the lesson needs first: STS-B with CoSENT, then the three multi-task arms seed by seed; cosine-MSE last
    common.run_all(res, a, splits, {"stsb/cosent": arm("stsb/cosent", sts_cfg)}, seeds)
    common.run_all(res, a, splits, {n: arm(n, multi_cfg) for n in ("multi", "multi+stsb", "multi+stsb+nli")}, seeds)
    common.run_all(res, a, mse, {"stsb/cosine_mse": arm("stsb/cosine_mse", sts_cfg)}, seeds)


if __name__ == "__main__":
    common.cli(main)
