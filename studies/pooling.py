"""Study: pooling, normalisation and projection size of a sentence encoder (lesson 01's question), on STS-B dev.

    python studies/pooling.py                       # full: the 1,500 STS-B dev pairs -> studies/results/pooling.json
    python studies/pooling.py --budget smoke        # seconds: the tests' size
    python studies/pooling.py --model bert-base-uncased --out studies/results/pooling-bert.json   # another backbone (Hub)

Nothing trains. The backbone embeds every sentence once; each arm pools those token embeddings and scores the pairs
by Spearman's rank correlation between the pair similarity and the gold score (scipy), with a percentile bootstrap
interval over the pairs and a paired bootstrap against mean pooling on the same resamples (`mtst.course.evaluation`).
Arms:

- `pretrained/<pooling>`: the backbone as published, pooling `mean`, `cls`, `max`, `weighted_mean`; similarity
  cosine (= dot product after L2 normalisation) and raw dot product (not normalised);
- `pretrained/mean + <linear|mlp> <size>`: mean pooling through a freshly initialised, untrained projection
  (`SentenceEncoder(projection=size, projection_type=...)`, seeded: 3 seeds);
- `random init/<pooling>`: the same architecture with freshly initialised weights (3 seeds): what pre-training gives;
- `lexical/tf-idf` (TF-IDF cosine, the vocabulary and weights fit on the STS-B training sentences) and
  `lexical/word overlap` (Jaccard of lower-cased word sets): what an encoder adds over the words the pair shares.

The STS-B test split is not in `../shared/data`, so dev is the only split scored; nothing is chosen on it.
all-MiniLM-L6-v2 was itself trained as a sentence encoder (with mean pooling) on pairs that do not include STS-B;
no backbone that was not is at hand offline: pass `--model` where the Hub is reachable (e.g. bert-base-uncased).
"""
from __future__ import annotations

import re
import time

import common

STUDY = "pooling"
POOLINGS = ("mean", "cls", "max", "weighted_mean")
PROJECTIONS = {"smoke": (16,), "course": (64, 128), "full": (32, 64, 128, 256)}
BUDGETS = {"smoke": dict(n_pairs=24, n_boot=100, seeds=[0, 1]),
           "course": dict(n_pairs=300, n_boot=1000, seeds=[0, 1, 2]),
           "full": dict(n_pairs=None, n_boot=2000, seeds=[0, 1, 2])}


def token_embeddings(encoder, sentences: list[str], batch_size: int = 64):
    "Every sentence's token embeddings from `encoder`'s backbone, padded into one tensor, and the mask."
    import torch
    toks = encoder.encode(sentences, output_value="token_embeddings", convert_to_tensor=True, batch_size=batch_size,
                          show_progress_bar=False)
    T = max(t.shape[0] for t in toks)
    out, mask = torch.zeros(len(toks), T, encoder.hidden_size), torch.zeros(len(toks), T, dtype=torch.long)
    for i, t in enumerate(toks): out[i, :len(t)], mask[i, :len(t)] = t, 1
    return out, mask


def scores(sim_a, sim_dot, gold, n_boot: int, reference=None) -> dict:
    "Spearman (cosine and dot) with a bootstrap interval; `reference` (cosine similarities): paired difference to it."
    from scipy.stats import spearmanr
    from mtst.course.evaluation import bootstrap_ci, compare_on_examples
    rho = lambda s, g: float(spearmanr(s, g).statistic)
    v, lo, hi = bootstrap_ci(rho, sim_a, gold, n_boot=n_boot, seed=0)   # seed 0: the same resamples for every arm
    out = {"spearman": round(v, 5), "low": round(lo, 5), "high": round(hi, 5), "n": len(gold)}
    if sim_dot is not None: out["spearman_dot"] = round(rho(sim_dot, gold), 5)
    if reference is not None:
        d = compare_on_examples(lambda g, s: rho(s, g), gold, sim_a, reference, ("arm", "mean"), n_boot=n_boot, seed=0)
        out["minus_mean"] = {"diff": round(d.diff, 5), "low": round(d.low, 5), "high": round(d.high, 5), "verdict": d.verdict}
    return out


def pooled_arms(encoder, tokens, mask, ia, ib, seeds, sizes, prefix: str, seeded_backbone: bool):
    "{arm: (dim, cosine similarities, dot similarities, trainable extra parameters)} for every pooling (and projection)."
    import torch
    import torch.nn.functional as F
    from mtst.encoder import Pooling
    out = {}
    with torch.inference_mode():
        for mode in POOLINGS:
            e = Pooling(encoder.hidden_size, mode)(tokens, mask)
            out[f"{prefix}/{mode}"] = (e.shape[1], F.cosine_similarity(e[ia], e[ib]).numpy(), (e[ia] * e[ib]).sum(-1).numpy())
        if seeded_backbone: return out
        mean = Pooling(encoder.hidden_size, "mean")(tokens, mask)
        for kind in ("linear", "mlp"):
            for size in sizes:
                for seed in seeds:
                    torch.manual_seed(seed)
                    encoder.projection_size, encoder.projection_type = size, kind
                    e = encoder._make_projection()(mean)
                    out[(f"{prefix}/mean + {kind} {size}", seed)] = (size, F.cosine_similarity(e[ia], e[ib]).numpy(),
                                                                     (e[ia] * e[ib]).sum(-1).numpy())
    return out


def lexical(pairs, train_sentences):
    "TF-IDF cosine (fit on `train_sentences`) and word-overlap Jaccard of every pair."
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    vec = TfidfVectorizer().fit(train_sentences)
    A, B = vec.transform([p["sentence1"] for p in pairs]), vec.transform([p["sentence2"] for p in pairs])
    tfidf = np.asarray(A.multiply(B).sum(1)).ravel()   # rows are L2-normalised: the dot product is the cosine
    words = lambda s: set(re.findall(r"\w+", s.lower()))
    jac = np.array([len(words(p["sentence1"]) & words(p["sentence2"])) / max(1, len(words(p["sentence1"]) | words(p["sentence2"])))
                    for p in pairs])
    return {"lexical/tf-idf": tfidf, "lexical/word overlap": jac}


def main(argv=None) -> None:
    a = common.parse(__doc__, argv)
    common.quiet()
    import numpy as np
    import torch
    from mtst.core import DEFAULT_MODEL
    from mtst.encoder import SentenceEncoder
    from mtst.sources import load_source_dataset, real_source, sts_pairs
    from transformers import AutoModel
    if a.threads: torch.set_num_threads(a.threads)
    b, sizes = BUDGETS[a.budget], PROJECTIONS[a.budget]
    model = a.model or DEFAULT_MODEL
    design = {"budget": b, "poolings": POOLINGS, "projections": sizes, "data": "STS-B dev (sts-dev.csv), every pair",
              "model": model}
    res = common.open_results(STUDY, a, design, {})
    seeds = a.seeds or b["seeds"]
    pairs = sts_pairs(load_source_dataset(real_source("stsb", "validation", data_dir=a.data_dir)))[:b["n_pairs"]]
    train = [s for p in sts_pairs(load_source_dataset(real_source("stsb", "train", data_dir=a.data_dir)))
             for s in (p["sentence1"], p["sentence2"])]
    gold = np.array([p["score"] for p in pairs])
    sentences = list(dict.fromkeys(s for p in pairs for s in (p["sentence1"], p["sentence2"])))
    pos = {s: i for i, s in enumerate(sentences)}
    ia, ib = [pos[p["sentence1"]] for p in pairs], [pos[p["sentence2"]] for p in pairs]
    print(f"pooling ({a.budget}): {len(pairs)} STS-B dev pairs, {len(sentences)} sentences -> {res.path}", flush=True)

    def record(run_id, arm, seed, dim, cos, dot, ref, seconds, backbone):
        if res.done(run_id): return
        rec = {"seed": seed, "model": model, "backbone": backbone, "dim": int(dim), "seconds": round(seconds, 2),
               "validation": {"stsb": scores(cos, dot, gold, b["n_boot"], ref)}}
        res.add(run_id, arm, rec)
        s = rec["validation"]["stsb"]
        print(f"{arm} (seed {seed}): Spearman {s['spearman']:.4f} [{s['low']:.4f}, {s['high']:.4f}]", flush=True)

    t0 = time.perf_counter()
    enc = SentenceEncoder(model)
    tokens, mask = token_embeddings(enc, sentences)
    arms = pooled_arms(enc, tokens, mask, ia, ib, seeds, sizes, "pretrained", seeded_backbone=False)
    t_enc = time.perf_counter() - t0
    ref = arms["pretrained/mean"][1]
    for key, (dim, cos, dot) in arms.items():
        arm, seed = key if isinstance(key, tuple) else (key, 0)
        record(f"{arm}/seed{seed}", arm, seed, dim, cos, dot, None if arm == "pretrained/mean" else ref, t_enc, "pretrained")
    for seed in seeds:
        if all(res.done(f"random init/{m}/seed{seed}") for m in POOLINGS): continue
        t0 = time.perf_counter()
        torch.manual_seed(seed)
        enc.backbone.load_state_dict(AutoModel.from_config(enc.backbone.config).state_dict())
        tokens, mask = token_embeddings(enc, sentences)
        for arm, (dim, cos, dot) in pooled_arms(enc, tokens, mask, ia, ib, seeds, sizes, "random init", True).items():
            record(f"{arm}/seed{seed}", arm, seed, dim, cos, dot, ref, time.perf_counter() - t0, "random init")
    for arm, sim in lexical(pairs, train).items():
        record(f"{arm}/seed0", arm, 0, 0, sim, None, ref, 0.0, "none")


if __name__ == "__main__":
    common.cli(main)
