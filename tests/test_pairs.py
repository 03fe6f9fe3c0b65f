"""Tasks over two texts (pair, similarity, contrastive) and multilabel: data, one encoder pass, losses equal to
sentence-transformers' on the same batch, evaluation against scikit-learn/scipy, save/load, training, from_hf."""
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mtst.data import DataError, Example, MultiTaskCollator, Task, encode_examples
from mtst.encoder import SentenceEncoder
from mtst.multitask import MultiTaskModel

STS = Task("sts", "similarity", score_range=(0, 5))
NLI = Task("nli", "pair", ("contradiction", "entailment", "neutral"))
PARA = Task("para", "contrastive")
TAGS = Task("tags", "multilabel", ("billing", "bug", "praise"))
SENT = Task("sent", "sequence", ("neg", "pos"))
TASKS = [STS, NLI, PARA, TAGS, SENT]
EXAMPLES = [Example("A man plays the guitar.", {"sts": 4.2, "nli": "entailment"}, "f.tsv:1", pair="Someone plays an instrument."),
            Example("Cats sleep all day.", {"sts": 0.4, "nli": "neutral"}, "f.tsv:2", pair="A dog barks at the mailman."),
            Example("The app charged me twice and crashed", {"tags": ["billing", "bug"], "sent": "neg"}, "f.tsv:3"),
            Example("How do I reset my password?", {"para": True}, "f.tsv:4", pair="Steps to change a forgotten password",
                    negative="How do I delete my account?"),
            Example("Where is my parcel?", {"para": True}, "f.tsv:5", pair="Tracking a delivery that has not arrived")]


@pytest.fixture(scope="module")
def encoder():
    return SentenceEncoder()


@pytest.fixture(scope="module")
def batch(encoder):
    return MultiTaskCollator(encoder.tokenizer, TASKS)(encode_examples(EXAMPLES, encoder.tokenizer, TASKS))


@pytest.fixture(scope="module")
def model(encoder):
    torch.manual_seed(0)
    return MultiTaskModel(encoder, TASKS).eval()


def test_task_settings_are_checked_and_saved():
    assert STS.loss == "cosent" and PARA.loss == "mnrl" and NLI.loss is None and STS.score_range == (0.0, 5.0)
    for t in TASKS: assert Task.from_dict(t.to_dict()) == t
    assert Task.from_dict({"name": "old", "kind": "sequence", "labels": ["a", "b"]}).loss is None   # a dict saved before
    bad = {"has no labels": lambda: Task("s", "similarity", ("a", "b")), "not one of ['mnrl']": lambda: Task("c", "contrastive", loss="cosent"),
           "low < high": lambda: Task("s", "similarity", score_range=(5, 0)), "is for similarity": lambda: Task("x", "pair", ("a", "b"), score_range=(0, 1)),
           "reads the encoder's sentence embedding": lambda: Task("p", "pair", ("a", "b"), head="mlp"),
           "at least 2 labels": lambda: Task("m", "multilabel", ("a",)), "scale must be": lambda: Task("c", "contrastive", scale=0)}
    for msg, fn in bad.items():
        with pytest.raises(ValueError, match=re.escape(msg)): fn()


def test_from_examples_reads_the_kind_from_the_values():
    got = {n: Task.from_examples(n, EXAMPLES) for n in ("sts", "nli", "para", "tags")}
    assert {n: t.kind for n, t in got.items()} == {"sts": "similarity", "nli": "pair", "para": "contrastive", "tags": "multilabel"}
    assert Task.from_examples("sent", EXAMPLES + [Example("fine", {"sent": "pos"})]).kind == "sequence"   # one text: sequence
    assert got["sts"].score_range == (0.0, 5.0) and got["tags"].labels == ("billing", "bug")


def test_rows_pairs_and_labels_of_a_batch(batch):
    assert batch["input_ids"].shape[0] == 5 + 4 + 1                    # the 5 texts, 4 second texts, 1 negative
    assert batch["pairs"]["sts"].tolist() == [[0, 5], [1, 6]] and batch["pairs"]["nli"].tolist() == [[0, 5], [1, 6]]
    assert batch["pairs"]["para"].tolist() == [[3, 7, 9], [4, 8, -1]]
    assert batch["labels"]["sts"].tolist() == pytest.approx([4.2, 0.4]) and batch["labels"]["nli"].tolist() == [1, 2]
    assert batch["labels"]["sent"].tolist() == [-100, -100, 0] + [-100] * 7            # per row; second texts unlabelled
    assert batch["labels"]["tags"][2].tolist() == [1, 1, 0] and (batch["labels"]["tags"][3:] == -100).all()


@pytest.mark.parametrize("example, task, msg", [
    (Example("a b", {"sts": 3.0}, "f.tsv:7"), STS, "f.tsv:7: task 'sts' (similarity) needs a second text"),
    (Example("a b", {"sts": 7.5}, "f.tsv:8", pair="c d"), STS, "f.tsv:8: sts score 7.5 is outside its range [0, 5]"),
    (Example("a b", {"nli": "maybe"}, "f.tsv:9", pair="c d"), NLI, "f.tsv:9: unknown nli label 'maybe'"),
    (Example("a b", {"sts": 2.0}, "f.tsv:10", pair="  "), STS, "f.tsv:10: the second text: empty text"),
    (Example("a b", {"para": True}, "f.tsv:11", negative="c d"), PARA, "f.tsv:11: task 'para' (contrastive) needs a second text"),
    (Example("a b", {"tags": ["nope"]}, "f.tsv:12"), TAGS, "f.tsv:12: unknown tags label(s) ['nope']"),
    (Example("a b", {"sts": "high"}, "f.tsv:13", pair="c d"), STS, "f.tsv:13: sts score must be a finite number")])
def test_bad_pair_inputs_say_where(encoder, example, task, msg):
    with pytest.raises(DataError, match=re.escape(msg)) as e: encode_examples([example], encoder.tokenizer, [task])
    assert "\n" not in str(e.value)


def test_one_encoder_pass_equals_encoding_each_text(encoder, model, batch):
    with torch.no_grad(): out = model(batch["input_ids"], batch["attention_mask"], pairs=batch["pairs"])
    emb = torch.as_tensor(encoder.encode([EXAMPLES[0].text, EXAMPLES[0].pair, EXAMPLES[1].text, EXAMPLES[1].pair]))
    torch.testing.assert_close(out.logits["sts"], F.cosine_similarity(emb[0::2], emb[1::2]), atol=1e-5, rtol=0)
    torch.testing.assert_close(out.logits["nli"], model.heads["nli"].pair(emb[0::2], emb[1::2]), atol=1e-5, rtol=0)
    assert out.logits["para"].shape == (2, 3) and out.logits["tags"].shape == (10, 3)
    with torch.no_grad(): single = model(batch["input_ids"], batch["attention_mask"])   # no pairs: the pair tasks are skipped
    assert sorted(single.logits) == ["sent", "tags"]


def test_model_losses_equal_sentence_transformers(encoder, model):
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import CoSENTLoss, MultipleNegativesRankingLoss, SoftmaxLoss
    from mtst.core import default_model_dir
    st = SentenceTransformer(str(default_model_dir()), device="cpu").eval()
    a, b, n = [e.text for e in EXAMPLES], [e.pair or e.text for e in EXAMPLES], [e.negative or e.text for e in EXAMPLES]
    feats = lambda texts: st.tokenize(texts)
    y = torch.tensor([4.2, 0.4, 2.0, 3.1, 1.5])
    cls = torch.tensor([1, 2, 0, 1, 0])
    soft = SoftmaxLoss(st, st.get_embedding_dimension(), 3)
    soft.classifier.load_state_dict(model.heads["nli"].pair.classifier.state_dict())
    ex = [Example(t, {"sts": float(s), "nli": NLI.labels[c], "para": True}, pair=p, negative=q) for t, p, q, s, c in zip(a, b, n, y, cls)]
    bt = MultiTaskCollator(encoder.tokenizer, TASKS)(encode_examples(ex, encoder.tokenizer, TASKS))
    with torch.no_grad():
        ours = model(bt["input_ids"], bt["attention_mask"], labels=bt["labels"], pairs=bt["pairs"]).losses
        theirs = {"sts": CoSENTLoss(st)([feats(a), feats(b)], y), "nli": soft([feats(a), feats(b)], cls),
                  "para": MultipleNegativesRankingLoss(st)([feats(a), feats(b), feats(n)], None)}
    for k, v in theirs.items(): torch.testing.assert_close(ours[k], v, atol=1e-5, rtol=1e-5, msg=k)


def test_evaluate_scores_as_scipy_and_sklearn(encoder, model):
    from scipy.stats import spearmanr
    from mtst.training import evaluate
    pairs = [Example(f"text number {i} about {w}", {"sts": float(i % 6), "para": True}, pair=f"{w} is the topic {i}")
             for i, w in enumerate(["cats", "rain", "taxes", "music", "trains", "coffee", "chess", "bread"])]
    tasks = [STS, PARA]
    res = evaluate(model, encode_examples(pairs, encoder.tokenizer, tasks), tasks, MultiTaskCollator(encoder.tokenizer, tasks))
    e1, e2 = (torch.as_tensor(encoder.encode([getattr(p, k) for p in pairs])) for k in ("text", "pair"))
    cos = F.cosine_similarity(e1, e2)
    assert res["sts"]["spearman"] == pytest.approx(spearmanr([p.labels["sts"] for p in pairs], cos).statistic, abs=1e-6)
    sims = F.normalize(e1, dim=-1) @ F.normalize(e2, dim=-1).T
    rank = (sims > sims.diag()[:, None]).sum(1) + 1
    assert res["para"]["mrr"] == pytest.approx(float((1 / rank).mean()), abs=1e-5)
    assert res["mean"] == pytest.approx((res["sts"]["spearman"] + res["para"]["mrr"]) / 2)


def test_save_load_keeps_kinds_heads_and_threshold(tmp_path, model, batch):
    model.heads["tags"].threshold.fill_(0.3)
    model.save_pretrained(tmp_path / "m")
    loaded = MultiTaskModel.from_pretrained(tmp_path / "m").eval()
    assert [t.to_dict() for t in loaded.tasks.values()] == [t.to_dict() for t in model.tasks.values()]
    assert float(loaded.heads["tags"].threshold) == pytest.approx(0.3)
    with torch.no_grad():
        a = model(batch["input_ids"], batch["attention_mask"], pairs=batch["pairs"]).logits
        b = loaded(batch["input_ids"], batch["attention_mask"], pairs=batch["pairs"]).logits
    for k in a: torch.testing.assert_close(a[k], b[k])
    model.heads["tags"].threshold.fill_(0.5)


def test_trainer_fits_every_kind_and_chooses_the_threshold(encoder):
    from mtst.training import MultiTaskTrainer, TrainConfig
    torch.manual_seed(0)
    m = MultiTaskModel(SentenceEncoder(), TASKS)
    more = [Example(f"a text {w}", {"sts": float(i)}, pair=f"another {w}") for i, w in enumerate(["cat", "dog", "sun"])]
    tr = MultiTaskTrainer(m, EXAMPLES * 2, EXAMPLES + more, TrainConfig(epochs=1, batch_size=4, lr=1e-4, schedule="joint", progress=False))
    after = tr.fit()
    assert set(after) >= {"sts", "nli", "para", "tags", "sent", "mean"} and np.isfinite(after["mean"])
    assert after["tags"]["threshold"] == pytest.approx(float(m.heads["tags"].threshold))
    assert set(tr.history["task"]) >= {"sts", "nli", "para", "tags", "sent"}


def test_from_hf_reads_pair_datasets():
    from datasets import ClassLabel, Dataset, Features, Sequence, Value
    from mtst.hfdata import from_hf
    nli = Dataset.from_dict({"premise": ["a cat sat", "rain fell"], "hypothesis": ["an animal sat", "it was sunny"], "label": [0, 2]},
                            features=Features({"premise": Value("string"), "hypothesis": Value("string"),
                                               "label": ClassLabel(names=["entailment", "neutral", "contradiction"])}))
    task, ex = from_hf(nli, "nli", "pair")
    assert task.labels == ("entailment", "neutral", "contradiction") and ex[1].pair == "it was sunny" and ex[1].labels == {"nli": "contradiction"}
    sts = Dataset.from_dict({"sentence1": ["a b", "c d"], "sentence2": ["a c", "e f"], "label": [4.6, 0.2]})
    task, ex = from_hf(sts, "sts", "similarity")
    assert task.score_range == (0.0, 5.0) and ex[0].labels == {"sts": pytest.approx(4.6)}
    st_style = Dataset.from_dict({"sentence1": ["a b", "c d"], "sentence2": ["a c", "e f"], "score": [0.92, 0.04]})   # sentence-transformers/stsb
    task, ex = from_hf(st_style, "sts", "similarity")
    assert task.score_range == (0.0, 1.0) and ex[1].labels == {"sts": pytest.approx(0.04)}
    trip = Dataset.from_dict({"anchor": ["q1", "q2"], "positive": ["p1", "p2"], "negative": ["n1", "n2"]})
    task, ex = from_hf(trip, "ret", "contrastive", negative_column="negative")
    assert task.kind == "contrastive" and (ex[0].pair, ex[0].negative, ex[0].labels) == ("p1", "n1", {"ret": True})
    ml = Dataset.from_dict({"text": ["x y", "z w"], "labels": [[0, 2], []]},
                           features=Features({"text": Value("string"), "labels": Sequence(ClassLabel(names=["a", "b", "c"]))}))
    task, ex = from_hf(ml, "tags", "multilabel", label_column="labels")
    assert task.labels == ("a", "b", "c") and ex[0].labels == {"tags": ["a", "c"]} and ex[1].labels == {"tags": []}
    with pytest.raises(DataError, match=r"no two text columns found"): from_hf(ml, "sts", "similarity", task=STS)
    bad = Dataset.from_dict({"sentence1": ["a b"], "sentence2": ["c d"], "label": [9.0]})
    with pytest.raises(DataError, match=r"dataset\[\?\] row 0, column .label.: sts score 9.0 is outside its range \[0, 5\]"): from_hf(bad, "sts", "similarity", task=STS)


def test_predict_pairs_and_multilabel(model):
    got = model.predict([("A man plays the guitar.", "Someone plays an instrument."), ("Cats sleep.", "Stocks fell.")])
    assert set(got[0]) == {"sts", "nli", "para"} and got[0]["nli"]["label"] in NLI.labels
    assert got[0]["sts"]["cosine"] == pytest.approx(got[0]["para"]["cosine"], abs=1e-5) and got[0]["sts"]["cosine"] > got[1]["sts"]["cosine"]
    model.heads["tags"].threshold.fill_(0.0)                           # every label passes a threshold of 0
    one = model.predict(["The app charged me twice"])[0]
    assert set(one) == {"tags", "sent"} and one["tags"]["labels"] == list(TAGS.labels)
    model.heads["tags"].threshold.fill_(0.5)
    for call, msg in [(lambda: model.predict(["x"], tasks=["sts"]), "read two texts: pass (text, text) pairs"),
                      (lambda: model.predict([("a", "b")], tasks=["sent"]), "read one text: pass texts"),
                      (lambda: model.predict([("a",)]), "pairs[0] must be a (text, text) pair")]:
        with pytest.raises((ValueError, TypeError), match=re.escape(msg)): call()


def test_onnx_export_serves_the_text_tasks(tmp_path, model):
    from mtst.serving import OnnxModel, export_onnx
    onnx = OnnxModel(export_onnx(model, tmp_path / "onnx"))
    assert set(onnx.tasks) == {"tags", "sent"}                          # pair tasks: the sentence embedding serves them
    a, b = onnx.predict(["The app charged me twice"])[0], model.predict(["The app charged me twice"])[0]
    assert a["tags"]["labels"] == b["tags"]["labels"] and a["sent"]["label"] == b["sent"]["label"]


def _pair_files(tmp_path):
    rows = [("A plane is taking off.", "An air plane is taking off.", 5.0), ("A man plays a flute.", "A man eats a pizza.", 0.6),
            ("A woman slices onions.", "Someone cuts an onion.", 4.2), ("Kids play football.", "The market fell today.", 0.0),
            ("A cat sleeps on a bed.", "A cat is sleeping.", 4.8), ("Rain falls on the city.", "A dog runs in a park.", 0.4)]
    (tmp_path / "sts.tsv").write_text("sentence1\tsentence2\tlabel\n" + "".join(f"{a}\t{b}\t{s}\n" for a, b, s in rows))
    import json
    (tmp_path / "nli.jsonl").write_text("".join(json.dumps({"premise": a, "hypothesis": b, "label": "entailment" if s > 2 else "neutral"}) + "\n"
                                                for a, b, s in rows))
    (tmp_path / "tags.jsonl").write_text("".join(json.dumps({"text": a, "tags": ["long"] if len(a) > 20 else ["short", "tidy"]}) + "\n"
                                                 for a, _, _ in rows))
    return rows


def test_cli_trains_and_predicts_pair_tasks(tmp_path, capsys):
    import yaml
    from mtst.cli import main
    _pair_files(tmp_path)
    cfg = {"backbone": "sentence-transformers/all-MiniLM-L6-v2", "max_length": 32, "output_dir": str(tmp_path / "run"),
           "tasks": [{"name": "sts", "kind": "similarity", "format": "tsv", "train": "sts.tsv", "validation": "sts.tsv", "score_range": [0, 5]},
                     {"name": "nli", "kind": "pair", "format": "jsonl", "train": "nli.jsonl", "validation": "nli.jsonl",
                      "text_column": "premise", "pair_column": "hypothesis"},
                     {"name": "tags", "kind": "multilabel", "format": "jsonl", "train": "tags.jsonl", "validation": "tags.jsonl"}],
           "training": {"epochs": 1, "batch_size": 4, "max_steps": 2}}
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(cfg))
    assert main(["train", str(tmp_path / "c.yaml"), "--no-progress"]) == 0, capsys.readouterr().err
    assert main(["predict", str(tmp_path / "run"), "A plane is taking off.\tAn air plane is taking off."]) == 0
    out = capsys.readouterr().out
    assert "sts: cosine" in out and "nli: " in out, out
    assert main(["predict", str(tmp_path / "run"), "A cat sleeps on a bed."]) == 0
    assert "tags: " in capsys.readouterr().out
    assert main(["evaluate", str(tmp_path / "run"), "--split", "validation"]) == 0
    out = capsys.readouterr().out
    assert "spearman" in out and "macro_f1" in out and "micro_f1" in out, out
    bad = {**cfg, "tasks": [{**cfg["tasks"][0], "score_range": [0, 1]}]}   # STS-B's 5.0 is out of this range
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(bad))
    assert main(["train", str(tmp_path / "bad.yaml"), "--no-progress", "--output-dir", str(tmp_path / "bad")]) == 2
    err = capsys.readouterr().err
    assert "sts.tsv:2: field 'label': sts score 5.0 is outside its range [0, 1]" in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "bad").exists()
    for edit, msg in [({"kind": "similarity", "labels": ["a", "b"]}, "a similarity task has no labels"),
                      ({"kind": "pair", "format": "conll", "score_range": None}, "format jsonl, csv or tsv, not conll"),
                      ({"kind": "regression"}, "is not one of ['sequence', 'token', 'multilabel', 'pair', 'similarity', 'contrastive']")]:
        (tmp_path / "e.yaml").write_text(yaml.safe_dump({**cfg, "tasks": [{**cfg["tasks"][0], **edit}]}))
        assert main(["train", str(tmp_path / "e.yaml"), "--dry-run"]) == 2
        assert msg in capsys.readouterr().err, msg


def test_feature_cache_serves_pair_batches_by_content(encoder, batch):
    "A frozen backbone's cache works by content with the rows of second texts; by index it refuses with a hint."
    from mtst.freezing import freeze
    from mtst.feature_cache import FeatureCache
    torch.manual_seed(0)
    m = MultiTaskModel(encoder, TASKS).eval()
    freeze(m, "backbone")
    cache = FeatureCache(m)
    with pytest.raises(ValueError, match="use the cache by content"): cache(list(range(5)), batch["input_ids"], batch["attention_mask"])
    with torch.no_grad():
        with cache.attached(): cached = m(batch["input_ids"], batch["attention_mask"], labels=batch["labels"], pairs=batch["pairs"]).losses
        plain = m(batch["input_ids"], batch["attention_mask"], labels=batch["labels"], pairs=batch["pairs"]).losses
    assert cache.misses == batch["input_ids"].shape[0]
    for k in plain: torch.testing.assert_close(cached[k], plain[k], atol=1e-5, rtol=1e-5)



@pytest.mark.parametrize("balancing", ["pcgrad", "famo", "uncertainty"])
def test_balancing_methods_take_pair_tasks(balancing):
    "Gradient and loss balancing see the pair tasks' losses like any other task's (one joint step holds every task)."
    from mtst.training import MultiTaskTrainer, TrainConfig
    torch.manual_seed(0)
    tasks = [STS, NLI, SENT]
    ex = [e for e in EXAMPLES if set(e.labels) & {"sts", "nli", "sent"}]
    ex = [Example(e.text, {k: v for k, v in e.labels.items() if k in ("sts", "nli", "sent")}, e.source, pair=e.pair) for e in ex]
    m = MultiTaskModel(SentenceEncoder(), tasks)
    tr = MultiTaskTrainer(m, ex * 2, None, TrainConfig(epochs=1, batch_size=3, lr=1e-4, schedule="joint", balancing=balancing,
                                                          progress=False, max_steps=2))
    tr.fit()
    losses = tr.history[(tr.history["split"] == "train") & (tr.history["metric"] == "loss")]
    assert set(losses["task"]) >= {"sts", "nli", "sent"} and np.isfinite(losses["value"]).all()
