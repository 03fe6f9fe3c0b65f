"""Unit tests for mtst.encoder (and mtst.course.scratch): correctness against sentence-transformers, encode()'s
contract and bad inputs, pooling masks, save/load and the sentence-transformers export, bf16."""
import json
import random
import warnings

import numpy as np
import pytest
import torch

from mtst.data import load_sts_pairs
from mtst.encoder import (POOLING_MODES, Pooling, SentenceEncoder, evaluate_sts, similarity,
                          spearman)

SENTS = ["I earned 500 points on my last grocery order.", "The app crashed when I redeemed a voucher.",
         "", "ok", "Café crème brûlée à 3,50 € 🎉", "我喜欢这个应用", "Where is the nearest Walmart?"]


@pytest.fixture(scope="module")
def enc():
    return SentenceEncoder()


@pytest.fixture(scope="module")
def st_model(enc):
    warnings.simplefilter("ignore", DeprecationWarning)
    from sentence_transformers import SentenceTransformer
    return SentenceTransformer(enc.spec.source, device="cpu")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    "A tiny random BERT folder (tests/tiny_models.py): the save format does not depend on the backbone's size."
    import tiny_models
    return str(tiny_models.build("bert-uncased", tmp_path_factory.mktemp("tiny") / "bert"))


def _st(path):
    from sentence_transformers import SentenceTransformer
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SentenceTransformer(str(path), device="cpu")


def varied_sentences(n=104, n_long=3, seed=0):
    pairs = load_sts_pairs()
    base = list(dict.fromkeys(s for p in pairs for s in (p["sentence1"], p["sentence2"])))
    rng = random.Random(seed)
    long = [" ".join(rng.sample(base, 40)) for _ in range(n_long)]
    return SENTS + rng.sample(base, n - len(SENTS) - n_long) + long


# ---------- correctness ----------

def test_matches_sentence_transformers(enc, st_model):
    sents = varied_sentences()
    lengths = [len(enc.tokenizer(s, verbose=False)["input_ids"]) for s in sents]
    assert len(sents) >= 100 and sum(n > 256 for n in lengths) >= 3
    ours = enc.encode(sents)
    theirs = st_model.encode(sents, normalize_embeddings=True, show_progress_bar=False)
    assert np.abs(ours - theirs).max() <= 1e-6


def test_default_config(enc):
    assert (enc.hidden_size, enc.dim, enc.max_length) == (384, 384, 256)
    assert enc.config_dict() == {"model_name": "sentence-transformers/all-MiniLM-L6-v2", "pooling": "mean",
                                 "normalize": True, "projection": None, "projection_type": "linear", "max_length": 256}
    assert not enc.training


# ---------- encode() contract ----------

def test_encode_shapes_and_types(enc):
    out = enc.encode(SENTS)
    assert out.shape == (len(SENTS), 384) and out.dtype == np.float32
    assert enc.encode("one sentence").shape == (384,)
    assert enc.encode([]).shape == (0, 384) and enc.encode([]).dtype == np.float32
    assert enc.encode([], convert_to_tensor=True).shape == (0, 384)
    t = enc.encode(SENTS, convert_to_tensor=True)
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float32 and not t.requires_grad
    assert enc.encode(tuple(SENTS)).shape == out.shape          # any iterable of str
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1, atol=1e-5)


def test_encode_order_and_batching_do_not_matter(enc):
    a = enc.encode(SENTS, batch_size=32)
    b = enc.encode(SENTS, batch_size=1)
    c = enc.encode(SENTS[::-1], batch_size=3)[::-1]
    np.testing.assert_allclose(a, b, atol=1e-5)
    np.testing.assert_allclose(a, c, atol=1e-5)
    np.testing.assert_allclose(enc.encode(SENTS[1]), a[1], atol=1e-5)


def test_token_embeddings_are_unpadded(enc):
    toks = enc.encode(SENTS[:3], output_value="token_embeddings")
    assert [t.shape for t in toks] == [(len(enc.tokenizer(s)["input_ids"]), 384) for s in SENTS[:3]]
    b = enc.tokenizer(SENTS[0], return_tensors="pt")
    with torch.no_grad(): ref = enc(b["input_ids"], b["attention_mask"])["token_embeddings"][0]
    np.testing.assert_allclose(toks[0], ref.numpy(), atol=1e-5)
    single = enc.encode(SENTS[0], output_value="token_embeddings", convert_to_tensor=True)
    assert isinstance(single, torch.Tensor) and single.shape == toks[0].shape


def test_long_input_is_truncated(enc):
    toks = enc.encode(["word " * 1000], output_value="token_embeddings")
    assert toks[0].shape[0] == 256


@pytest.mark.parametrize("bad, where", [
    (None, "got NoneType"), (42, "got int"), (b"bytes", "got bytes"), ({"a": 1}, "got dict"),
    (["ok", None], "sentences[1] must be a str, got NoneType"),
    (["ok", "fine", ["nested"]], "sentences[2] must be a str, got list"),
    ([3.5], "sentences[0] must be a str, got float"),
])
def test_bad_inputs_raise_type_error(enc, bad, where):
    with pytest.raises(TypeError) as e: enc.encode(bad)
    assert where in str(e.value)


@pytest.mark.parametrize("kw, msg", [({"output_value": "cls"}, "output_value"), ({"precision": "fp16"}, "precision"),
                                     ({"batch_size": 0}, "batch_size")])
def test_bad_options_raise_value_error(enc, kw, msg):
    with pytest.raises(ValueError, match=msg): enc.encode(SENTS, **kw)


def test_encode_restores_training_mode(enc):
    enc.train()
    try:
        a = enc.encode(SENTS[:2]); b = enc.encode(SENTS[:2])
        assert enc.training
        np.testing.assert_array_equal(a, b)                       # dropout off inside encode
    finally: enc.eval()


def test_progress_bar_flag(enc, capsys):
    enc.encode(SENTS, show_progress_bar=True, batch_size=2)
    assert "encode" in capsys.readouterr().err
    enc.encode(SENTS)
    assert capsys.readouterr().err == ""


# ---------- pooling ----------

@pytest.mark.parametrize("mode", POOLING_MODES)
def test_pooling_ignores_padding(mode):
    torch.manual_seed(0)
    pool = Pooling(4, mode)
    if mode == "attention": torch.nn.init.normal_(pool.query)
    x = torch.randn(1, 3, 4)
    padded = torch.cat([x, 1e3 * torch.randn(1, 2, 4)], dim=1)
    short = pool(x, torch.ones(1, 3, dtype=torch.long))
    long = pool(padded, torch.tensor([[1, 1, 1, 0, 0]]))
    torch.testing.assert_close(short, long)
    assert short.shape == (1, 4)


def test_pooling_values():
    x = torch.tensor([[[1., 2.], [3., 4.], [5., 6.]]])
    m = torch.ones(1, 3, dtype=torch.long)
    torch.testing.assert_close(Pooling(2, "mean")(x, m), torch.tensor([[3., 4.]]))
    torch.testing.assert_close(Pooling(2, "cls")(x, m), torch.tensor([[1., 2.]]))
    torch.testing.assert_close(Pooling(2, "max")(x, m), torch.tensor([[5., 6.]]))
    torch.testing.assert_close(Pooling(2, "weighted_mean")(x, m), torch.tensor([[22 / 6, 28 / 6]]))
    torch.testing.assert_close(Pooling(2, "attention")(x, m), torch.tensor([[3., 4.]]))   # zero query = mean
    with pytest.raises(ValueError, match="Unknown pooling mode 'sum'"): Pooling(2, "sum")


@pytest.mark.parametrize("kw, msg", [({"projection": 0}, "projection"), ({"projection": "64"}, "projection"),
                                     ({"projection": 8, "projection_type": "conv"}, "projection_type"),
                                     ({"max_length": 1}, "max_length"), ({"pooling": "median"}, "Unknown pooling")])
def test_constructor_rejects_bad_arguments(kw, msg):
    with pytest.raises(ValueError, match=msg): SentenceEncoder(**kw)


# ---------- forward (training) ----------

def test_forward_and_gradients(enc):
    b = enc.tokenizer(SENTS[:3], padding=True, return_tensors="pt")
    out = enc(b["input_ids"], b["attention_mask"], b["token_type_ids"])
    assert out["token_embeddings"].shape == (3, b["input_ids"].shape[1], 384)
    assert out["sentence_embedding"].shape == (3, 384)
    out["sentence_embedding"].sum().backward()
    assert enc.backbone.embeddings.word_embeddings.weight.grad is not None
    enc.zero_grad(set_to_none=True)
    np.testing.assert_allclose(out["sentence_embedding"].detach().numpy(), enc.encode(SENTS[:3]), atol=1e-5)
    torch.testing.assert_close(enc.pool(out["token_embeddings"], b["attention_mask"]), out["sentence_embedding"])
    torch.testing.assert_close(enc.embed_tokens(b["input_ids"], b["attention_mask"]), out["token_embeddings"])


# ---------- save / load: one format, read by sentence-transformers too ----------

def test_save_load_round_trip(tiny, tmp_path):
    torch.manual_seed(0)
    enc = SentenceEncoder(tiny, pooling="attention", projection=32, projection_type="mlp", normalize=False)
    torch.nn.init.normal_(enc.pooling.query)
    assert enc.dim == 32
    enc.save(tmp_path)
    files = {p.name for p in tmp_path.iterdir()}
    assert {"config.json", "model.safetensors", "mtst_encoder.json", "mtst_head.safetensors", "modules.json",
            "sentence_bert_config.json"} <= files
    assert not any(f.endswith((".bin", ".pt", ".pkl", ".pth")) for f in files)
    back = SentenceEncoder.load(tmp_path)
    assert back.config_dict() == enc.config_dict() and back.dim == 32
    np.testing.assert_array_equal(back.encode(SENTS), enc.encode(SENTS))
    again = SentenceEncoder(str(tmp_path))                         # the constructor reads the folder too
    np.testing.assert_array_equal(again.encode(SENTS), enc.encode(SENTS))
    with pytest.raises(ValueError, match="saved with projection=32, got projection=8"): SentenceEncoder(str(tmp_path), projection=8)


def test_load_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="mtst_encoder.json"): SentenceEncoder.load(tmp_path)


def test_save_default_is_the_sentence_transformers_layout(enc, tmp_path):
    enc.save(tmp_path)
    mods = [m["type"].split(".")[-1] for m in json.loads((tmp_path / "modules.json").read_text())]
    assert mods == ["Transformer", "Pooling", "Normalize"]
    st = _st(tmp_path)
    assert st.max_seq_length == 256
    np.testing.assert_allclose(st.encode(SENTS), enc.encode(SENTS), atol=1e-6)
    assert enc.to_sentence_transformers(tmp_path / "alias") == tmp_path / "alias"   # the old name writes the same format
    assert (tmp_path / "alias" / "modules.json").read_text() == (tmp_path / "modules.json").read_text()


_NO_PROJ, _LINEAR, _MLP = dict(), dict(projection=16), dict(projection=16, projection_type="mlp")

@pytest.mark.parametrize("pooling, kw, normalize", [(p, kw, n) for p in ("mean", "cls", "max", "weighted_mean")
                                                    for kw, n in ((_NO_PROJ, True), (_MLP, False))]
                         + [("cls", _LINEAR, True), ("max", _LINEAR, False), ("mean", _NO_PROJ, False), ("weighted_mean", _MLP, True)])
def test_sentence_transformers_round_trip(tiny, pooling, kw, normalize, tmp_path):
    torch.manual_seed(0)
    enc = SentenceEncoder(tiny, pooling=pooling, normalize=normalize, **kw)
    enc.save(tmp_path)
    st, back = _st(tmp_path), SentenceEncoder.load(tmp_path)
    assert back.config_dict() == enc.config_dict()
    assert np.abs(st.encode(SENTS, batch_size=1) - back.encode(SENTS, batch_size=1)).max() <= 1e-6   # sentence by sentence
    theirs, ours = st.encode(SENTS), back.encode(SENTS)
    # in a batch, row order changes float32 rounding, and a 16-d LayerNorm without L2 norm amplifies it
    assert (np.abs(theirs - ours) / np.maximum(1, np.abs(theirs))).max() <= (1e-6 if normalize else 1e-5)
    np.testing.assert_array_equal(ours, enc.encode(SENTS))


def test_attention_pooling_fails_loudly_in_sentence_transformers(tiny, tmp_path):
    from sentence_transformers import SentenceTransformer
    enc = SentenceEncoder(tiny, pooling="attention")
    enc.save(tmp_path)
    with pytest.raises(ValueError, match="not part of Sentence Transformers"): SentenceTransformer(str(tmp_path), device="cpu")
    with pytest.raises(ValueError, match=r"uses attention pooling .*SentenceEncoder\.load"):
        SentenceTransformer(str(tmp_path), device="cpu", trust_remote_code=True)


def test_resave_removes_stale_modules(tiny, tmp_path):
    SentenceEncoder(tiny, projection=16, projection_type="mlp").save(tmp_path)
    enc = SentenceEncoder(tiny, normalize=False)
    enc.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["1_Pooling"]
    assert not (tmp_path / "mtst_head.safetensors").exists()
    np.testing.assert_allclose(_st(tmp_path).encode(SENTS), enc.encode(SENTS), atol=1e-6)


def test_plain_sentence_transformers_folder(tiny, tmp_path):
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import Normalize, Pooling as STPooling, Transformer
    tr = Transformer(tiny, max_seq_length=64)
    st = SentenceTransformer(modules=[tr, STPooling(32, pooling_mode="cls")], device="cpu")
    st.save(str(tmp_path / "cls"))
    cls = SentenceEncoder(str(tmp_path / "cls"))                   # no mtst config: its modules.json decides
    assert (cls.pooling.mode, cls.normalize, cls.max_length) == ("cls", False, 64)
    np.testing.assert_allclose(st.encode(SENTS), cls.encode(SENTS), atol=1e-6)
    SentenceTransformer(modules=[tr, STPooling(32), Normalize(), Normalize()]).save(str(tmp_path / "odd"))
    mods = json.loads((tmp_path / "odd" / "modules.json").read_text())
    mods[2]["type"] = "sentence_transformers.models.Dropout"
    (tmp_path / "odd" / "modules.json").write_text(json.dumps(mods))
    with pytest.raises(ValueError, match="Dropout.*has no mtst equivalent"): SentenceEncoder(str(tmp_path / "odd"))


def test_encode_restores_each_module_mode(enc):
    enc.train()
    enc.backbone.embeddings.dropout.eval()                          # the user's choice survives encode
    try:
        enc.encode(SENTS[:2])
        assert enc.training and enc.backbone.encoder.layer[0].attention.output.dropout.training
        assert not enc.backbone.embeddings.dropout.training
    finally: enc.eval()


# ---------- bf16 ----------

def test_bf16_close_to_fp32_and_follows_weight_changes(tmp_path):
    enc = SentenceEncoder()
    sents = varied_sentences(16, 1)[-3:]   # two short and the long one; bf16 is emulated (slow) on CPUs without AVX-512 bf16: a few sentences suffice
    e32, e16 = enc.encode(sents), enc.encode(sents, precision="bf16")
    assert e16.dtype == np.float32 and e16.shape == e32.shape
    assert (e32 * e16).sum(1).min() >= 0.999
    copy1 = enc.bf16_backbone()
    assert enc.bf16_backbone() is copy1                           # cached
    with torch.no_grad(): enc.backbone.embeddings.word_embeddings.weight.mul_(0.5)
    assert enc.bf16_backbone() is not copy1                       # rebuilt after an in-place update
    e32b, e16b = enc.encode(sents), enc.encode(sents, precision="bf16")
    assert (e32b * e16b).sum(1).min() >= 0.999
    assert "_bf16_cache" not in enc.state_dict() and not any("bf16" in k for k in enc.state_dict())


# ---------- similarity, STS data, spearman ----------

def test_similarity():
    a = np.array([[1., 0.], [0., 2.], [1., 1.]], dtype=np.float32)
    s = similarity(a)
    assert isinstance(s, np.ndarray) and s.shape == (3, 3)
    np.testing.assert_allclose(np.diag(s), 1, atol=1e-6)
    np.testing.assert_allclose(s[0, 2], 2 ** -0.5, atol=1e-6)
    t = similarity(torch.tensor(a), torch.tensor(a[:1]))
    assert isinstance(t, torch.Tensor) and t.shape == (3, 1)
    assert similarity(a[0], a[1]).shape == (1, 1)
    with pytest.raises(ValueError, match="dimension mismatch"): similarity(a, np.ones((2, 3)))


def test_sts_pairs_file():
    pairs = load_sts_pairs()
    assert len(pairs) >= 60
    assert all(0 <= p["score"] <= 5 for p in pairs)
    domains = {p["domain"] for p in pairs}
    assert "general" in domains and len(domains) >= 3
    assert len({p["score"] for p in pairs}) >= 10                  # graded, not binary
    assert len({(p["sentence1"], p["sentence2"]) for p in pairs}) == len(pairs)


@pytest.mark.parametrize("line, msg", [('{"sentence1": "a", "sentence2": "b", "score": 7}', r"bad\.jsonl:2: field 'score'"),
                                       ('{"sentence1": "", "sentence2": "b", "score": 1}', r"bad\.jsonl:2: field 'sentence1'"),
                                       ("not json", r"bad\.jsonl:2: invalid JSON")])
def test_sts_loader_errors_name_the_line(tmp_path, line, msg):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"sentence1": "a", "sentence2": "b", "score": 1}\n' + line + "\n")
    with pytest.raises(ValueError, match=msg): load_sts_pairs(f)
    with pytest.raises(FileNotFoundError): load_sts_pairs(tmp_path / "missing.jsonl")


def test_spearman():
    import pandas as pd
    x, y = [1, 2, 2, 3, 5, 5, 5], [3, 1, 2, 4, 6, 5, 7]
    assert spearman(x, y) == pytest.approx(pd.Series(x).corr(pd.Series(y), method="spearman"))
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1)
    with pytest.raises(ValueError): spearman([1, 2], [1, 2, 3])


def test_evaluate_sts(enc):
    pairs = load_sts_pairs()
    rho = evaluate_sts(enc, pairs)
    assert 0.6 < rho <= 1                                          # a trained encoder ranks pairs well
    with pytest.raises(ValueError, match="metric"): evaluate_sts(enc, pairs, metric="l1")


# ---------- from scratch (01a) ----------

def test_scratch_bert_matches_hf(enc):
    from mtst.course.scratch import BertEncoder
    scratch = BertEncoder.from_hf(enc.backbone)
    b = enc.tokenizer(SENTS + ["long " * 300], padding=True, truncation=True, max_length=256, return_tensors="pt")
    with torch.inference_mode():
        ref = enc.backbone(**b, output_hidden_states=True).hidden_states
        ours = scratch(b["input_ids"], b["attention_mask"], b["token_type_ids"])
    real = b["attention_mask"].bool()
    assert len(ours) == len(ref) == 7
    assert max((o[real] - r[real]).abs().max().item() for o, r in zip(ours, ref)) <= 1e-5


def test_the_128_token_training_limit_lesson_01_quotes():
    "Lesson 01 says the default model was trained on at most 128 tokens: its model card says so."
    from mtst.core import default_model_dir
    assert "The sequence length was limited to 128 tokens" in (default_model_dir() / "README.md").read_text(encoding="utf-8")
