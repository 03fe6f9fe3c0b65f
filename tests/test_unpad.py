"""mtst.unpad: the unpadded BERT forward gives the transformers forward's outputs and gradients at every real
token, respects forward pre-hooks, and declines what it cannot run (with the reason)."""
import numpy as np
import pytest
import torch
from transformers import BertConfig, BertModel, DistilBertConfig, DistilBertModel

from mtst.unpad import unpad_reason, unpadded_forward

_SMALL = dict(vocab_size=120, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
              max_position_embeddings=64, type_vocab_size=2)


def _bert(**kw):
    torch.manual_seed(0)
    return BertModel(BertConfig(**{**_SMALL, **kw}), add_pooling_layer=False).eval()


def _batch(B=5, L=11, left=False, seed=0):
    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(1, L + 1, (B,), generator=g); lengths[0] = L
    ids = torch.randint(5, 120, (B, L), generator=g)
    mask = torch.arange(L)[None] < lengths[:, None]
    if left: mask = mask.flip(1)
    types = (torch.rand(B, L, generator=g) < 0.3).long() * mask
    return ids * mask, mask.long(), types


@pytest.mark.parametrize("left", [False, True])
def test_outputs_match_transformers(left):
    bb = _bert()
    ids, mask, types = _batch(left=left)
    with torch.no_grad():
        ref = bb(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state
        got = unpadded_forward(bb, ids, mask, types)
    m = mask.bool()
    torch.testing.assert_close(got[m], ref[m], atol=1e-5, rtol=1e-5)
    assert got[~m].abs().sum() == 0


def test_gradients_match_transformers():
    bb = _bert()
    ids, mask, _ = _batch(seed=1)
    m = mask.bool()
    def grads(out):
        bb.zero_grad(set_to_none=True); out[m].pow(2).mean().backward()
        return {n: p.grad.clone() for n, p in bb.named_parameters() if p.grad is not None}
    ref = grads(bb(input_ids=ids, attention_mask=mask).last_hidden_state)
    got = grads(unpadded_forward(bb, ids, mask))
    assert set(ref) == set(got)
    scale = max(g.abs().max().item() for g in ref.values())
    assert max((ref[n] - got[n]).abs().max().item() for n in ref) < 1e-5 * scale


def test_train_mode_uses_dropout_and_pre_hooks_run():
    bb = _bert(hidden_dropout_prob=0.5).train()
    ids, mask, _ = _batch()
    a, b = unpadded_forward(bb, ids, mask), unpadded_forward(bb, ids, mask)
    assert not torch.equal(a, b)                         # dropout is on in train mode
    hooks = [m.register_forward_pre_hook(lambda mod, args: mod.eval() and None) for m in [bb.embeddings, *bb.encoder.layer]]
    a, b = unpadded_forward(bb, ids, mask), unpadded_forward(bb, ids, mask)
    assert torch.equal(a, b)                             # every unit switched itself to eval, as frozen units do
    for h in hooks: h.remove()
    h = bb.encoder.layer[1].register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
    with pytest.raises(RuntimeError, match="pre-hook on BertLayer changes its input"):
        unpadded_forward(bb, ids, mask)
    h.remove()


def test_reasons():
    assert unpad_reason(_bert()) is None
    tiny = DistilBertModel(DistilBertConfig(n_layers=1, dim=32, hidden_dim=64, n_heads=2, vocab_size=100))
    assert unpad_reason(tiny) == "DistilBertModel is not a BertModel"
    assert "decoder" in unpad_reason(_bert(is_decoder=True))
    bb = _bert(); (getattr(bb, "activation_checkpointing_enable", None) or bb.gradient_checkpointing_enable)()
    assert unpad_reason(bb) == "gradient checkpointing is on"
    bb = _bert(); h = bb.encoder.layer[0].attention.register_forward_hook(lambda *a: None)
    assert unpad_reason(bb) == "a forward hook on BertAttention (it would not see the unpadded call)"
    h.remove()
    assert unpad_reason(bb) is None


def test_sentence_encoder_uses_it_and_can_turn_it_off():
    from mtst.encoder import SentenceEncoder
    enc = SentenceEncoder()
    sents = ["A short one.", "A much longer sentence about points, receipts and the rewards they earn at the shop.", "ok"]
    assert enc.unpad and unpad_reason(enc.backbone) is None
    on = enc.encode(sents)
    enc.unpad = False
    off = enc.encode(sents)
    np.testing.assert_allclose(on, off, atol=1e-5)
    b = enc.tokenizer(sents, padding=True, return_tensors="pt")
    with torch.no_grad():
        padded = enc.embed_tokens(b["input_ids"], b["attention_mask"])
        enc.unpad = True
        unpadded = enc.embed_tokens(b["input_ids"], b["attention_mask"])
    m = b["attention_mask"].bool()
    torch.testing.assert_close(unpadded[m], padded[m], atol=1e-5, rtol=1e-5)
    assert unpadded[~m].abs().sum() == 0 and padded[~m].abs().sum() > 0   # the standard forward computes padding too
