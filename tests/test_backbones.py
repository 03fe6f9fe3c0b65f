"""Every common encoder family, on tiny random models built offline (tests/tiny_models.py): WordPiece (BERT
uncased and cased, DistilBERT), byte-level BPE (RoBERTa), SentencePiece/Unigram (XLM-R, DeBERTa-v2/v3 style).
Checks: token-to-word alignment on tricky words, the ids a token task is fed vs the raw text's, save -> load ->
predict, the encoder through sentence-transformers, and the refusal of a decoder-only backbone."""
import warnings

import numpy as np
import pytest
import torch

import tiny_models as tm
from mtst.core import align_tokens_to_words, load_backbone, load_tokenizer
from mtst.data import Example, Span, Task, encode_examples, word_spans
from mtst.encoder import SentenceEncoder
from mtst.multitask import MultiTaskModel

WORDPIECE = ("bert-uncased", "bert-cased", "distilbert")
NER = Task.for_entities("ner", ["PERSON", "MONEY", "STORE"])
TOPIC = Task("topic", "sequence", ("app", "store"))


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    return {f: str(tm.build(f, root / f)) for f in tm.FAMILIES}


def _labelled(text=tm.TRICKY):
    "The tricky sentence with entities on an accented word, a money amount and a store name ending in 's."
    spans = [Span(0, 3, "PERSON"), Span(9, 12, "MONEY"), Span(text.index("Macy"), text.index("Macy") + 6, "STORE")]
    return Example(text, {"ner": spans, "topic": "store"}, "tricky")


@pytest.mark.parametrize("family", tm.FAMILIES)
def test_tokens_map_to_the_right_words(folders, family):
    tok = load_tokenizer(folders[family])
    text, spans = tm.TRICKY, word_spans(tm.TRICKY)
    enc = tok(text, return_offsets_mapping=True)
    wids = align_tokens_to_words(enc["offset_mapping"], spans)
    assert wids[0] is None and wids[-1] is None                      # special tokens
    assert [w for w in wids if w is not None] == sorted(w for w in wids if w is not None)
    for (s, e), w in zip(enc["offset_mapping"], wids):                # each token lies in (or starts) its word
        if w is not None: assert spans[w][0] <= max(s, spans[w][0]) < spans[w][1]
    words = [text[s:e] for s, e in spans]
    own = {words[w] for w in wids if w is not None}
    for word in ("Zoë", "18th", "don", "❤️", "🎉", "Café", "Münster", "naïve", "Macy"):
        assert word in own, (family, word)
    # a word without a token of its own is inside a token that started in the word before (RoBERTa's "'t")
    missing = [i for i in range(len(spans)) if i not in wids]
    assert all(i - 1 in wids and spans[i - 1][1] == spans[i][0] for i in missing), [words[i] for i in missing]
    if family in WORDPIECE:
        assert missing == [] and wids == enc.word_ids()               # WordPiece: the tokenizer's own word split


@pytest.mark.parametrize("family", tm.FAMILIES)
def test_token_task_ids_equal_raw_text_ids(folders, family):
    tok = load_tokenizer(folders[family])
    ex = _labelled()
    feat = encode_examples([ex], tok, [NER])[0]
    assert feat["input_ids"] == tok(ex.text)["input_ids"]
    enc = SentenceEncoder(folders[family])
    ids = enc.tokenizer(ex.text, truncation=True, max_length=enc.max_length)["input_ids"]
    assert feat["input_ids"] == ids                                   # what encode() feeds the backbone


@pytest.mark.parametrize("family", tm.FAMILIES)
def test_entity_labels_sit_on_the_first_token_of_their_words(folders, family):
    from mtst.data import spans_to_bio
    tok = load_tokenizer(folders[family])
    ex = _labelled()
    feat = encode_examples([ex], tok, [NER])[0]
    wids, labels = feat["word_ids"], feat["labels"]["ner"]
    gold = spans_to_bio(ex.text, ex.labels["ner"])                   # one tag per word
    firsts = [i for i, w in enumerate(wids) if w is not None and (i == 0 or wids[i - 1] != w)]
    assert [i for i, y in enumerate(labels) if y != -100] == firsts   # first sub-token of each word, -100 elsewhere
    assert [NER.labels[labels[i]] for i in firsts] == [gold[wids[i]] for i in firsts]
    words = [ex.text[s:e] for s, e in word_spans(ex.text)]
    tagged = {words[wids[i]]: NER.labels[labels[i]] for i in firsts}
    assert (tagged["Zoë"], tagged["40"], tagged["Macy"]) == ("B-PERSON", "I-MONEY", "B-STORE"), (family, tagged)


@pytest.mark.parametrize("family", tm.FAMILIES)
def test_save_load_predict_and_sentence_transformers(folders, family, tmp_path):
    from sentence_transformers import SentenceTransformer
    torch.manual_seed(0)
    model = MultiTaskModel(SentenceEncoder(folders[family], pooling="max", projection=8), [TOPIC, NER])
    with torch.no_grad():
        model.heads["ner"].classifier[-1].bias[NER.label2id["B-STORE"]] = 50.0   # make predictions definite
    texts = [tm.TRICKY, "Maria paid at Macy's"]
    before = model.predict(texts)
    for t, p in zip(texts, before):                                 # every word is inside an entity, offsets exact
        assert all(t[e["start"]:e["end"]] == e["text"] for e in p["ner"])
        covered = {i for e in p["ner"] for i in range(e["start"], e["end"])}
        assert all(set(range(s, e)) <= covered for s, e in word_spans(t))
    loaded = MultiTaskModel.from_pretrained(model.save_pretrained(tmp_path / "m"))
    assert loaded.predict(texts) == before
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        st = SentenceTransformer(str(loaded.export_encoder(tmp_path / "enc")), device="cpu")
    assert np.abs(st.encode(texts, batch_size=1) - model.encoder.encode(texts, batch_size=1)).max() <= 1e-6


def test_decoder_only_backbone_is_refused(tmp_path):
    folder = tm.build("gpt2", tmp_path / "gpt2")
    with pytest.raises(ValueError, match=r"decoder-only model \(model_type 'gpt2'\)"): load_backbone(str(folder))


@pytest.mark.parametrize("family", tm.FAMILIES)
def test_freezing_units_cover_the_backbone(folders, family):
    "Every backbone parameter belongs to a freezing unit (DeBERTa-v3's relative embeddings included): 'backbone' freezes them all."
    from mtst.freezing import backbone_frozen, freeze, module_groups
    model = MultiTaskModel(SentenceEncoder(folders[family], normalize=False), [TOPIC])
    stray = [n for n, _ in module_groups(model).get("other", []) if n.startswith("encoder.backbone.")]
    assert not stray, f"{family}: backbone parameters outside every unit: {stray}"
    freeze(model, "backbone")
    assert backbone_frozen(model), [n for n, p in model.encoder.backbone.named_parameters() if p.requires_grad]


@pytest.mark.parametrize("family", ["roberta", "xlm-roberta", "mpnet"])
def test_inputs_at_the_position_limit_run(folders, family, tmp_path):
    "A tokenizer that allows more tokens than the position table holds is capped at the usable limit (max - pad - 1)."
    import json
    import shutil
    from mtst.core import position_limit
    folder = tmp_path / family
    shutil.copytree(folders[family], folder)
    cfg = json.loads((folder / "tokenizer_config.json").read_text())
    (folder / "tokenizer_config.json").write_text(json.dumps({**cfg, "model_max_length": 512}))
    tok, model, _ = load_backbone(str(folder))
    limit = position_limit(model.config)
    assert limit == model.config.max_position_embeddings - model.config.pad_token_id - 1 and tok.model_max_length == limit
    ids = tok(" ".join(["word"] * 1000), truncation=True)["input_ids"]
    assert len(ids) == limit
    with torch.no_grad(): model(torch.tensor([ids]))                  # the longest input indexes inside the position table


@pytest.mark.parametrize("family", tm.FAMILIES)
def test_freeze_cache_llrd_and_five_steps_on_every_family(folders, family):
    """On each family: the frozen backbone's features come from `FeatureCache` (hits from the second epoch on), LLRD
    puts every parameter in exactly one group with the embeddings lowest, and five full fine-tuning steps under LLRD
    give finite losses that change the backbone."""
    import functools
    from mtst.freezing import freeze, layerwise_lr_groups, unfreeze
    from mtst.feature_cache import FeatureCache
    from mtst.training import MultiTaskTrainer, TrainConfig
    texts = ["Pay $40 at Macy's store today.", "The app crashed again.", "Zoë loved the café.", "Refund my card please."] * 3
    data = [Example(t, {"topic": "store" if "store" in t or "Macy" in t else "app", "ner": []}, f"e{i}") for i, t in enumerate(texts)]
    torch.manual_seed(0)
    model = MultiTaskModel(SentenceEncoder(folders[family], normalize=False, max_length=32), [TOPIC, NER])
    freeze(model, "backbone")
    cache = FeatureCache(model)
    cfg = dict(epochs=2, batch_size=4, lr=1e-3, progress=False, eval_before=False, seed=0)
    with cache.attached():
        MultiTaskTrainer(model, data, None, TrainConfig(**cfg)).fit()
    assert len(cache) == len(set(texts)) and cache.hits > 0, (family, cache)   # one entry per distinct sentence
    unfreeze(model)
    groups = layerwise_lr_groups(model, base_lr=1e-3, decay=0.5)
    ids = [id(p) for g in groups for p in g["params"]]
    assert len(ids) == len(set(ids)) == len(list(model.parameters())), family   # every parameter, once
    lrs = {g["name"]: g["lr"] for g in groups}
    emb = [lr for n, lr in lrs.items() if "embed" in n]
    assert emb and max(emb) < min(lr for n, lr in lrs.items() if "layer" in n), (family, lrs)
    before = [p.detach().clone() for p in model.encoder.backbone.parameters()]
    tr = MultiTaskTrainer(model, data, None, TrainConfig(**{**cfg, "max_steps": 5, "epochs": 5},
                                                         param_groups=functools.partial(layerwise_lr_groups, base_lr=1e-3, decay=0.5)))
    tr.fit()
    losses = tr.history.query("split == 'train' and metric == 'loss'").value
    assert tr.global_step == 5 and len(losses) and np.isfinite(losses).all(), family
    assert any(not torch.equal(a, b) for a, b in zip(before, model.encoder.backbone.parameters())), family
