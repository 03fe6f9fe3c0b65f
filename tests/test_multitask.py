"""Unit tests for mtst.multitask: shapes, losses, predict offsets, save/load, and every bad input."""
import json
import random
import socket

import pytest
import torch

from mtst.data import MultiTaskCollator, Task, bio_to_spans, encode_examples, load_shipped, shipped_tasks, word_spans, words_of
from mtst.encoder import SentenceEncoder
from mtst.multitask import (HEADS_WEIGHTS, MODEL_CONFIG, MultiTaskModel, MultiTaskOutput, decode_entities,
                            is_saved_multitask)
from mtst.course.tools import TensorMemory

TOPIC, SENTIMENT, NER = shipped_tasks()
TEXT = "Zoë paid 12 € at Café Münster"


@pytest.fixture(scope="module")
def encoder():
    return SentenceEncoder()


@pytest.fixture(scope="module")
def model(encoder):
    torch.manual_seed(0)
    return MultiTaskModel(encoder, shipped_tasks()).eval()


@pytest.fixture(scope="module")
def batch(encoder):
    feats = encode_examples(load_shipped("train")[:4], encoder.tokenizer, shipped_tasks(), max_length=encoder.max_length)
    return MultiTaskCollator(encoder.tokenizer, shipped_tasks())(feats)


def run(model, batch, **kw):
    with torch.no_grad():
        return model(batch["input_ids"], batch["attention_mask"], **kw)


# ---- shapes and parameter names ----

def test_shapes_for_each_kind_and_head(encoder, batch):
    labels = TOPIC.labels
    tasks = [Task("lin", "sequence", labels), Task("mlp", "sequence", labels, head="mlp"),
             Task("cls", "sequence", labels, head="cls"), Task("att", "sequence", labels, pooling="attention"),
             Task.for_entities("ner", ["A", "B"]), Task.for_entities("ner_mlp", ["A"], head="mlp")]
    m = MultiTaskModel(encoder, tasks).eval()
    out = run(m, batch)
    B, T = batch["input_ids"].shape
    assert isinstance(out, MultiTaskOutput) and out.loss is None and out.losses == {}
    for n in ("lin", "mlp", "cls", "att"): assert out.logits[n].shape == (B, 7)
    assert out.logits["ner"].shape == (B, T, 5) and out.logits["ner_mlp"].shape == (B, T, 3)
    # the cls head and the override own a Pooling; the others read the encoder's sentence embedding
    assert [m.heads[n].uses_sentence_embedding for n in ("lin", "mlp", "cls", "att")] == [True, True, False, False]
    assert any(k.startswith("heads.att.pooling.") for k, _ in m.named_parameters())
    assert any(k.startswith("heads.cls.pooler.") for k, _ in m.named_parameters())


def test_requested_tasks_only(model, batch):
    out = run(model, batch, tasks=["ner"])
    assert list(out.logits) == ["ner"]
    assert list(run(model, batch, tasks="topic").logits) == ["topic"]


def test_parameter_names_are_stable(model):
    names = [n for n, _ in model.named_parameters()]
    assert all(n.startswith(("encoder.backbone.", "encoder.pooling.", "encoder.projection.", "heads.")) for n in names)
    assert {n.split(".")[1] for n in names if n.startswith("heads.")} == {"topic", "sentiment", "ner"}
    assert any(n.startswith("encoder.backbone.encoder.layer.0.") for n in names)


# ---- losses ----

def test_losses_skip_absent_labels(model, batch):
    labels = dict(batch["labels"])
    labels["sentiment"] = torch.full_like(labels["sentiment"], -100)  # present but nobody labelled
    del labels["ner"]                                                 # absent
    out = run(model, batch, labels=labels)
    assert sorted(out.losses) == ["topic"]
    assert torch.allclose(out.loss, out.losses["topic"])
    assert set(out.logits) == {"topic", "sentiment", "ner"}
    assert run(model, batch, labels={}).loss is None


def test_partial_labels_equal_labelled_subset(model, batch):
    y = batch["labels"]["sentiment"].clone(); y[1::2] = -100
    full = run(model, batch, labels={"sentiment": y}).losses["sentiment"]
    sub = run(model, {k: v[::2] for k, v in batch.items() if k != "labels"},
              labels={"sentiment": batch["labels"]["sentiment"][::2]}).losses["sentiment"]
    assert torch.allclose(full, sub, atol=1e-6)


def test_loss_weights(encoder, batch):
    torch.manual_seed(0)
    m = MultiTaskModel(encoder, [Task("topic", "sequence", TOPIC.labels, loss_weight=0.5),
                                 Task.for_entities("ner", NER.entity_types, loss_weight=2.0)]).eval()
    out = run(m, batch, labels={"topic": batch["labels"]["topic"], "ner": batch["labels"]["ner"]})
    assert torch.allclose(out.loss, 0.5 * out.losses["topic"] + 2.0 * out.losses["ner"])
    assert torch.isfinite(out.loss)


def test_gradients_reach_labelled_heads_and_backbone(encoder, batch):
    m = MultiTaskModel(encoder, shipped_tasks()).train()
    try:
        out = m(batch["input_ids"], batch["attention_mask"], labels={"topic": batch["labels"]["topic"]})
        out.loss.backward()
        assert m.heads["topic"].classifier[-1].weight.grad is not None
        assert m.heads["ner"].classifier[-1].weight.grad is None   # not requested by the loss
        assert encoder.backbone.encoder.layer[0].attention.self.query.weight.grad is not None
    finally:
        m.zero_grad(set_to_none=True); m.eval()


def test_token_embeddings_skip_backbone(model, batch, monkeypatch):
    ref = run(model, batch, labels=batch["labels"])
    with torch.no_grad(): tokens = model.encoder.embed_tokens(batch["input_ids"], batch["attention_mask"])
    def boom(*a, **k): raise AssertionError("backbone called")
    monkeypatch.setattr(model.encoder, "embed_tokens", boom)
    with torch.no_grad():
        out = model(attention_mask=batch["attention_mask"], token_embeddings=tokens, labels=batch["labels"])
    for n in ref.logits: assert torch.allclose(out.logits[n], ref.logits[n], atol=1e-5)
    assert torch.allclose(out.loss, ref.loss, atol=1e-5)


# ---- predict ----

def force_tag(model, tag):
    "Context: bias the NER head so that `tag` wins at every token."
    class Ctx:
        def __enter__(self):
            self.lin = model.heads["ner"].classifier[-1]; self.saved = self.lin.bias.detach().clone()
            with torch.no_grad(): self.lin.bias[model.tasks["ner"].label2id[tag]] = 100.0
        def __exit__(self, *a):
            with torch.no_grad(): self.lin.bias.copy_(self.saved)
    return Ctx()


def test_predict_sequence_output(model):
    [p] = model.predict(["The app crashed again."], tasks=["topic", "sentiment"])
    assert set(p) == {"topic", "sentiment"}
    assert p["topic"]["label"] in TOPIC.labels and set(p["topic"]["probabilities"]) == set(TOPIC.labels)
    assert abs(sum(p["topic"]["probabilities"].values()) - 1) < 1e-5
    assert p["topic"]["score"] == max(p["topic"]["probabilities"].values())


def test_predict_offsets_non_ascii_per_word(model):
    text = TEXT + " in Kaiserslautern"
    assert len(model.encoder.tokenizer.tokenize("Kaiserslautern")) > 1   # a word of several sub-tokens
    with force_tag(model, "B-PERSON"):
        ents = model.predict([text])[0]["ner"]
    assert [e["text"] for e in ents] == words_of(text)                 # one entity per word, not per sub-token
    for e in ents:
        assert text[e["start"]:e["end"]] == e["text"] and e["label"] == "PERSON" and 0.99 < e["score"] <= 1


def test_predict_merges_words_into_one_span(model):
    with force_tag(model, "I-MONEY"):
        [p] = model.predict([TEXT])
    assert p["ner"] == [{"text": TEXT, "label": "MONEY", "start": 0, "end": len(TEXT), "score": pytest.approx(1.0)}]


def test_predict_order_batching_and_mode(model):
    texts = ["short one", "a considerably longer sentence about the rewards app and the Oakridge store", TEXT]
    model.train()
    try:
        a = model.predict(texts, batch_size=1)
        assert model.training   # restored
        b = model.predict(texts, batch_size=32)
    finally: model.eval()
    for x, y in zip(a, b):
        assert x["topic"]["label"] == y["topic"]["label"]
        assert x["topic"]["score"] == pytest.approx(y["topic"]["score"], abs=1e-5)
    assert len(model.predict(TEXT)) == 1     # a single str is one text


def test_predict_empty_list(model):
    assert model.predict([]) == []


def test_predict_bad_texts(model):
    with pytest.raises(ValueError, match=r"texts\[1\] is empty"): model.predict(["ok", "   "])
    with pytest.raises(TypeError, match=r"texts\[0\] must be a str"): model.predict([3])
    with pytest.raises(ValueError, match=r"unknown task\(s\) \['nope'\]"): model.predict(["ok"], tasks=["nope"])


def test_predict_truncation_keeps_offsets(encoder):
    enc = SentenceEncoder(max_length=8)
    m = MultiTaskModel(enc, [NER]).eval()
    text = "Zoë and Chloé met Renée at Café Müller in Zürich today"
    with force_tag(m, "B-PERSON"):
        ents = m.predict([text])[0]["ner"]
    assert 0 < len(ents) < len(words_of(text))      # only the words that fit
    for e in ents: assert text[e["start"]:e["end"]] == e["text"]


def test_decode_entities_matches_bio_to_spans():
    rng = random.Random(0)
    text = "Anna Smith paid 40 € at the Café Münster store on May 3 , 2024 ."
    words = word_spans(text)
    for _ in range(200):
        tags = [rng.choice(["O", "B-X", "I-X", "B-Y", "I-Y"]) for _ in words]
        got = [(e["start"], e["end"], e["label"]) for e in decode_entities(text, words, tags)]
        assert got == [(s.start, s.end, s.label) for s in bio_to_spans(text, tags)]
    ents = decode_entities(TEXT, word_spans(TEXT), ["B-PER", "O", "B-MONEY", "I-MONEY", "O", "B-ORG", "I-ORG"],
                           [0.9, 1, 0.5, 0.7, 1, 0.2, 0.4])
    assert [(e["text"], e["label"]) for e in ents] == [("Zoë", "PER"), ("12 €", "MONEY"), ("Café Münster", "ORG")]
    assert [round(e["score"], 6) for e in ents] == [0.9, 0.6, 0.3]


# ---- save / load ----

def test_save_load_round_trip(model, batch, tmp_path):
    path = model.save_pretrained(tmp_path / "m")
    files = [p for p in path.rglob("*") if p.is_file()]
    assert not [p for p in files if p.suffix in (".bin", ".pt", ".pkl", ".pickle", ".pth")]   # no pickle
    cfg = json.loads((path / MODEL_CONFIG).read_text())
    assert [t["name"] for t in cfg["tasks"]] == ["topic", "sentiment", "ner"]
    real = socket.socket.connect
    def refuse(*a, **k): raise OSError("network disabled in this test")
    socket.socket.connect = refuse
    try: loaded = MultiTaskModel.from_pretrained(path)
    finally: socket.socket.connect = real
    assert loaded.tasks == model.tasks and not loaded.training
    a, b = run(model, batch).logits, run(loaded, batch).logits
    for n in a: assert torch.equal(a[n], b[n])
    assert loaded.predict([TEXT]) == model.predict([TEXT])


def test_save_load_variants_and_errors(encoder, tmp_path):
    tasks = [Task("t", "sequence", ("a", "b"), head="cls", pooling="max"), Task("u", "sequence", ("x", "y", "z"), head="mlp")]
    m = MultiTaskModel(encoder, tasks).eval()
    path = m.save_pretrained(tmp_path / "v")
    loaded = MultiTaskModel.from_pretrained(path)
    assert loaded.tasks == m.tasks
    for k, v in m.heads.state_dict().items(): assert torch.equal(v, loaded.heads.state_dict()[k])
    with pytest.raises(FileNotFoundError, match="not a saved MultiTaskModel"): MultiTaskModel.from_pretrained(tmp_path)
    cfg = json.loads((path / MODEL_CONFIG).read_text())
    cfg["tasks"][1]["labels"] = ["x", "y"]   # heads no longer fit the declaration
    (path / MODEL_CONFIG).write_text(json.dumps(cfg))
    with pytest.raises(ValueError, match=HEADS_WEIGHTS):
        MultiTaskModel.from_pretrained(path)


def test_hub_layout_model_card_and_resave(model, tmp_path):
    path = model.save_pretrained(tmp_path / "m", metrics={"topic": {"accuracy": 0.75}, "ner/f1": 0.5})
    assert {p.name for p in path.iterdir()} == {"README.md", "config.json", "encoder", "heads.safetensors"}
    assert is_saved_multitask(path) and not is_saved_multitask(path / "encoder") and not is_saved_multitask(tmp_path)
    card = (path / "README.md").read_text()
    assert card.startswith("---\n") and "library_name: mtst" in card and "base_model: sentence-transformers/all-MiniLM-L6-v2" in card
    assert "| `ner` | token | linear | 15 |" in card and "`B-PERSON`" in card and "| `topic` | sequence | linear | 7 |" in card
    assert "| topic/accuracy | 0.75 |" in card and "| ner/f1 | 0.5 |" in card
    model.save_pretrained(path)                                     # our own card is rewritten: no stale metrics
    assert "topic/accuracy" not in (path / "README.md").read_text()
    (path / "README.md").write_text("# my own card\n")             # a hand-written card is kept
    model.save_pretrained(path, metrics={"a": 1})
    assert (path / "README.md").read_text() == "# my own card\n"


def test_export_encoder_is_a_sentence_transformers_model(model, tmp_path):
    import warnings
    import numpy as np
    from sentence_transformers import SentenceTransformer
    loaded = MultiTaskModel.from_pretrained(model.save_pretrained(tmp_path / "m"))
    out = loaded.export_encoder(tmp_path / "enc")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        st = SentenceTransformer(str(out), device="cpu")
    sents = [TEXT, "The app crashed when I redeemed a voucher."]
    assert np.abs(st.encode(sents) - model.encoder.encode(sents)).max() <= 1e-6
    assert SentenceEncoder.load(out).config_dict() == model.encoder.config_dict()


def test_hub_id_goes_through_huggingface_hub_offline(tmp_path):
    import os
    import subprocess
    import sys
    import time
    probe = ("from mtst.multitask import MultiTaskModel\n"
             "try: MultiTaskModel.from_pretrained('mtst-course/no-such-model')\n"
             "except OSError as e: print(type(e).__name__, e)\n")
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", probe], env={**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path)},
                       capture_output=True, text=True, timeout=120)
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1 and "Cannot load MultiTaskModel 'mtst-course/no-such-model'" in lines[0] and "HF_HUB_OFFLINE=1" in lines[0], r
    assert time.perf_counter() - t0 < 60
    with pytest.raises(FileNotFoundError, match="no such folder"): MultiTaskModel.from_pretrained(tmp_path / "missing" / "dir")


def test_predict_restores_each_module_mode(model):
    model.train()
    model.encoder.backbone.embeddings.dropout.eval()                # the user's choice
    try:
        model.predict([TEXT])
        assert model.training and model.heads.training and not model.encoder.backbone.embeddings.dropout.training
    finally: model.eval()


# ---- bad declarations and inputs ----

def test_duplicate_task_names(encoder):
    with pytest.raises(ValueError, match=r"duplicate task names \['topic'\]"): MultiTaskModel(encoder, [TOPIC, SENTIMENT, TOPIC])


def test_bad_task_lists(encoder):
    with pytest.raises(ValueError, match="at least one task"): MultiTaskModel(encoder, [])
    with pytest.raises(TypeError, match="must be a Task"): MultiTaskModel(encoder, ["topic"])
    with pytest.raises(ValueError, match="cannot name a head"): MultiTaskModel(encoder, [Task("a.b", "sequence", ("x", "y"))])
    with pytest.raises(ValueError, match="cannot name a head"): MultiTaskModel(encoder, [Task("values", "sequence", ("x", "y"))])
    with pytest.raises(ValueError, match="'cls' is for sentence tasks"):
        MultiTaskModel(encoder, [Task.for_entities("ner", ["A"], head="cls")])
    m = MultiTaskModel(encoder, [TOPIC.to_dict()])   # a task's dict (as in the saved config) is accepted
    assert m.tasks["topic"] == TOPIC


def test_task_with_fewer_than_two_labels(encoder):
    with pytest.raises(ValueError, match="at least 2 labels"): MultiTaskModel(encoder, [Task("spam", "sequence", ("spam",))])
    with pytest.raises(ValueError, match="at least 2 labels"): MultiTaskModel(encoder, [{"name": "s", "kind": "sequence", "labels": ["a"]}])


def test_unknown_task_names(model, batch):
    with pytest.raises(ValueError, match=r"unknown task\(s\) \['topics'\]"): run(model, batch, tasks=["topics"])
    with pytest.raises(ValueError, match=r"labels for unknown task\(s\) \['mood'\]"): run(model, batch, labels={"mood": torch.zeros(4)})


def test_label_out_of_range(model, batch):
    bad = {"sentiment": torch.tensor([0, 1, 7, -100])}
    with pytest.raises(ValueError, match=r"labels\['sentiment'\]: label id 7 is out of range for task 'sentiment' \(3 labels"):
        run(model, batch, labels=bad)
    with pytest.raises(ValueError, match="label id -1 is out of range for task 'topic'"):
        run(model, batch, labels={"topic": torch.tensor([0, -1, 0, 0])})
    ner = batch["labels"]["ner"].clone(); ner[0, 1] = 15
    with pytest.raises(ValueError, match="label id 15 is out of range for task 'ner'"): run(model, batch, labels={"ner": ner})


def test_label_shape_and_dtype(model, batch):
    ner = batch["labels"]["ner"]
    with pytest.raises(ValueError, match=r"labels\['ner'\]: token labels have shape \(4, \d+\) but input_ids have shape"):
        run(model, batch, labels={"ner": ner[:, :-1]})
    with pytest.raises(ValueError, match="sequence labels have shape"):
        run(model, batch, labels={"topic": torch.tensor([0, 1])})
    with pytest.raises(TypeError, match="must be integers"):
        run(model, batch, labels={"topic": torch.tensor([0.0, 1.0, 0.0, 1.0])})


def test_forward_needs_input(model):
    with pytest.raises(ValueError, match="needs input_ids"): model()


def test_tensor_memory():
    with TensorMemory() as m:
        x = torch.zeros(1000, 1000); y = x + 1; del x
        z = y.view(-1); y.add_(1)
    assert (m.peak, m.current) == (8_000_000, 4_000_000)
    del y, z
    assert m.current == 0


@pytest.mark.parametrize("bad", [True, 0, 2.5, "8"])
def test_batch_size_must_be_a_count(model, encoder, bad):
    "predict and encode refuse a batch size that is no positive int (a bool included: Python counts True as 1)."
    with pytest.raises(ValueError, match=r"batch_size must be a positive int, got"): model.predict(["a text"], batch_size=bad)
    with pytest.raises(ValueError, match=r"batch_size must be a positive int, got"): encoder.encode(["a text"], batch_size=bad)


def test_predict_warns_about_texts_past_max_length(model, encoder):
    "A text whose last words fall beyond max_length tokens gets a warning naming it (its entities after them are not labelled)."
    import warnings
    from mtst.data import DataWarning
    long = " ".join(["Leeds"] * (encoder.max_length + 20))
    with pytest.warns(DataWarning, match=r"1 of 2 text\(s\) are longer than max_length=\d+ tokens \(texts\[1\]\)"):
        model.predict(["A short one.", long])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(["A short one.", "Another short one."])          # no warning when every word is seen
