"""Study: train the sentence embedding itself (STS-B with CoSENT or cosine-MSE), and keep it while a multi-task model
learns NER, SST-2 and AG News (issue "The embedding itself").

    python studies/embedding.py                      # full: 6 arms x 3 seeds -> studies/results/embedding.json
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
- `stsb/st-reference`: the same recipe run by sentence-transformers' own `SentenceTransformerTrainer` with its
  `CoSENTLoss` and `EmbeddingSimilarityEvaluator` (the same pairs, batch, rate, warm-up, epochs and evaluation steps;
  the best validation checkpoint kept), the reference the issue names;
- `multi`: NER + SST-2 + AG News on one encoder (as lesson 06; 2,000 sentences each, lr 1e-4, up to 5 epochs with early
  stopping), the STS-B dev Spearman of its encoder measured after training (the untrained encoder: 0.867 in the
  pooling study, the same pairs and pooling);
- `multi+stsb`: the same and STS-B (CoSENT, its first 2,000 training pairs: as many as each other task) as a fourth task;
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
                 test_limit=None, sts_epochs=4, multi_epochs=5, sts_eval_every=164, eval_every=250, patience=3, seeds=[0, 1, 2],
                 multi_stsb=2000),
}
BUDGETS["smoke"]["multi_stsb"], BUDGETS["course"]["multi_stsb"] = 16, 400
STS_TRAIN = dict(batch_size=16, lr=2e-5, warmup_ratio=0.1, weight_decay=0.01, max_grad_norm=1.0, max_length=128,
                 schedule="proportional", eval_before=False, metric="mean", load_best_at_end=True)
MULTI_TRAIN = {**STS_TRAIN, "lr": 1e-4}   # between the STS-B recipe's 2e-5 and full fine-tuning's best NER rate (2e-4, what_to_train)


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


def st_reference(splits: dict, names, cfg, seed: int, model_name=None, prepare=None) -> dict:
    """`stsb/st-reference`: sentence-transformers' STS-B recipe with its own trainer, on `splits["train"]["stsb"]`, the
    settings of `cfg` (epochs, batch, rate, warm-up, evaluation steps), the best validation checkpoint kept; a record in
    `mtst.course.studies.train_run`'s form (its curve from the trainer's evaluations)."""
    import tempfile
    import time
    from datasets import Dataset
    from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer, SentenceTransformerTrainingArguments
    from sentence_transformers.sentence_transformer.evaluation import EmbeddingSimilarityEvaluator
    from sentence_transformers.sentence_transformer.losses import CoSENTLoss
    from mtst.core import DEFAULT_MODEL, resolve_backbone
    from mtst.encoder import spearman
    from mtst.course.studies.runs import _cpu_seconds, still_improving
    from mtst.course.tools import peak_rss
    import torch.nn.functional as F
    data = lambda part: Dataset.from_dict({"sentence1": [e.text for e in splits[part]["stsb"]], "sentence2": [e.pair for e in splits[part]["stsb"]],
                                           "score": [e.labels["stsb"] / 5 for e in splits[part]["stsb"]]})
    val = data("validation")
    evaluator = EmbeddingSimilarityEvaluator(val["sentence1"], val["sentence2"], val["score"], name="val")
    with tempfile.TemporaryDirectory() as tmp, peak_rss() as mem:
        model = SentenceTransformer(str(resolve_backbone(model_name or DEFAULT_MODEL).source), device="cpu")
        args = SentenceTransformerTrainingArguments(
            output_dir=tmp, num_train_epochs=cfg.epochs, per_device_train_batch_size=cfg.batch_size, learning_rate=cfg.lr,
            warmup_ratio=cfg.warmup_ratio, weight_decay=cfg.weight_decay, max_grad_norm=cfg.max_grad_norm, seed=seed,
            eval_strategy="steps", eval_steps=cfg.eval_every, save_strategy="steps", save_steps=cfg.eval_every, save_total_limit=1,
            load_best_model_at_end=True, metric_for_best_model="eval_val_spearman_cosine", report_to="none", disable_tqdm=True,
            logging_steps=cfg.eval_every, use_cpu=True)
        trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=data("train"), loss=CoSENTLoss(model), evaluator=evaluator)
        t0, c0 = time.perf_counter(), _cpu_seconds()
        trainer.train()
        seconds, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
        pairs = splits["test"]["stsb"]
        a, b = (model.encode([getattr(e, k) for e in pairs], convert_to_tensor=True, show_progress_bar=False) for k in ("text", "pair"))
        rho = spearman(F.cosine_similarity(a, b, dim=-1).cpu().numpy(), [e.labels["stsb"] for e in pairs])
        best_val = float(evaluator(model)["val_spearman_cosine"])
    st = trainer.state
    evals = [h for h in st.log_history if "eval_val_spearman_cosine" in h]
    per_epoch = max(1, round(st.global_step / max(cfg.epochs, 1)))
    curve = [{"step": h["step"], "encoder_steps": h["step"], "epochs_done": h["step"] // per_epoch, "kind": "eval", "seconds": None,
              "cpu_seconds": None, "task_steps": {"stsb": h["step"]}, "validation": {"stsb": {"spearman": round(h["eval_val_spearman_cosine"], 5)},
                                                                                     "mean": round(h["eval_val_spearman_cosine"], 5)}} for h in evals]
    best_step = max(evals, key=lambda h: h["eval_val_spearman_cosine"])["step"] if evals else None
    n_params = sum(p.numel() for p in model.parameters())
    rec = {"tasks": ["stsb"], "seed": seed, "model": model_name or DEFAULT_MODEL, "config": {**{k: v for k, v in cfg.to_dict().items() if k != "seed"},
           "trainer": "sentence_transformers.SentenceTransformerTrainer"}, "train_sizes": {"stsb": len(splits["train"]["stsb"])},
           "parameters": n_params, "trainable_parameters": n_params, "steps": st.global_step, "cap_steps": st.max_steps,
           "task_steps": {"stsb": st.global_step}, "best_step": best_step, "stopped_early": False, "seconds": round(seconds, 2),
           "cpu_seconds": round(cpu, 2), "peak_rss_mb": round(mem["MB"], 1), "curve": curve,
           "validation": {"stsb": {"spearman": round(best_val, 5)}, "mean": round(best_val, 5)},
           "test": {"stsb": {"spearman": round(float(rho), 5), "n": float(len(pairs))}, "mean": round(float(rho), 5)},
           "stsb_dev_spearman": round(float(rho), 5)}
    return {**rec, "still_improving": still_improving(rec)}


def main(argv=None) -> None:
    a = common.parse(__doc__, argv)
    common.quiet()
    from mtst.course.studies import study_splits
    from mtst.training import TrainConfig
    b = BUDGETS[a.budget]
    design = {"budget": b, "sts_train": STS_TRAIN, "multi_train": MULTI_TRAIN,
              "model": a.model or "sentence-transformers/all-MiniLM-L6-v2"}
    sts_cfg = TrainConfig(epochs=b["sts_epochs"], eval_every=b["sts_eval_every"], early_stopping_patience=b["patience"], **STS_TRAIN)
    multi_cfg = TrainConfig(epochs=b["multi_epochs"], eval_every=b["eval_every"], early_stopping_patience=b["patience"], **MULTI_TRAIN)
    names = {"stsb/cosent": ["stsb"], "stsb/cosine_mse": ["stsb"], "stsb/st-reference": ["stsb"], "multi": list(MULTI),
             "multi+stsb": [*MULTI, "stsb"], "multi+stsb+nli": [*MULTI, "stsb", "nli"]}
    res = common.open_results(STUDY, a, design, names)
    splits = study_splits(b["sizes"], n_val=b["n_val"], n_test=b["n_test"], test_limit=b["test_limit"], data_dir=a.data_dir)
    dev = [{"sentence1": e.text, "sentence2": e.pair, "score": e.labels["stsb"]} for e in splits["test"]["stsb"]]
    mse = {**splits, "tasks": [replace(t, loss="cosine_mse") if t.name == "stsb" else t for t in splits["tasks"]]}
    seeds = a.seeds or b["seeds"]
    arm = lambda name, cfg: (names[name], cfg, (k := _Keep(dev)).prepare, k.finish)
    # the answers the lesson needs first: STS-B with CoSENT, then the three multi-task arms seed by seed; cosine-MSE last
    common.run_all(res, a, splits, {"stsb/cosent": arm("stsb/cosent", sts_cfg)}, seeds)
    multi = {**splits, "train": {**splits["train"], "stsb": splits["train"]["stsb"][:b["multi_stsb"]]}}   # as many as each task
    common.run_all(res, a, multi, {n: arm(n, multi_cfg) for n in ("multi", "multi+stsb", "multi+stsb+nli")}, seeds)
    common.run_all(res, a, mse, {"stsb/cosine_mse": arm("stsb/cosine_mse", sts_cfg)}, seeds)
    common.run_all(res, a, splits, {"stsb/st-reference": (["stsb"], sts_cfg, None, None, st_reference)}, seeds)


if __name__ == "__main__":
    common.cli(main)
