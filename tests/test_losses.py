"""mtst.losses: values and gradients equal sentence-transformers' losses on the same batch; bad shapes are one line."""
import re

import pytest
import torch
from sentence_transformers.sentence_transformer.losses import CoSENTLoss, CosineSimilarityLoss, MultipleNegativesRankingLoss

from mtst.losses import best_threshold, cosent_loss, cosine_mse_loss, mnrl_loss, multilabel_loss, pair_features


def _grads(fn, *xs):
    xs = [x.clone().requires_grad_() for x in xs]
    val = fn(*xs)
    return val.detach(), torch.autograd.grad(val, xs)


@pytest.mark.parametrize("batch", [2, 7, 32])
def test_values_and_gradients_match_sentence_transformers(batch):
    g = torch.Generator().manual_seed(batch)
    u, v, n = (torch.randn(batch, 16, generator=g, dtype=torch.float64) for _ in range(3))
    y = torch.randint(0, 4, (batch,), generator=g).double()            # ties included
    cases = [(lambda a, b: cosent_loss(a, b, y), lambda a, b: CoSENTLoss(None).compute_loss_from_embeddings([a, b], y), (u, v)),
             (lambda a, b: cosine_mse_loss(a, b, y / 4), lambda a, b: CosineSimilarityLoss(None).compute_loss_from_embeddings([a, b], y / 4), (u, v)),
             (mnrl_loss, lambda a, b: MultipleNegativesRankingLoss(None).compute_loss_from_embeddings([a, b], None), (u, v)),
             (mnrl_loss, lambda a, b, c: MultipleNegativesRankingLoss(None).compute_loss_from_embeddings([a, b, c], None), (u, v, n))]
    for ours, theirs, xs in cases:
        (vo, go), (vt, gt) = _grads(ours, *xs), _grads(theirs, *xs)
        torch.testing.assert_close(vo, vt.to(vo.dtype), atol=1e-6, rtol=1e-6)
        for a, b in zip(go, gt): torch.testing.assert_close(a, b, atol=1e-6, rtol=1e-6)


def test_bad_shapes_are_one_line():
    u = torch.randn(4, 8)
    for call, msg in [(lambda: cosent_loss(u, u[:, :4], torch.ones(4)), "of one shape"),
                      (lambda: mnrl_loss(u, u, torch.randn(3, 5)), "negatives must be (n, 8)"),   # any number of negatives, of the right width
                      (lambda: cosine_mse_loss(u, u, torch.ones(5)), "4 pairs but 5 labels"),
                      (lambda: pair_features(u[0], u[0]), "two (batch, dim)"),
                      (lambda: multilabel_loss(u, u[:, :2]), "differ in shape")]:
        with pytest.raises(ValueError, match=re.escape(msg)) as e: call()
        assert "\n" not in str(e.value)


def test_threshold_prefers_validation_optimum_and_breaks_ties_towards_half():
    import numpy as np
    y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
    t, f1 = best_threshold(y * 0.3 + 0.1, y)                           # positives at 0.4, negatives at 0.1
    assert f1 == 1.0 and 0.1 < t <= 0.4 and t == 0.4                   # every threshold in (0.1, 0.4] is perfect: nearest 0.5
