"""cs_utils.norm_reference: batch norm's gradients by torch, and what wrong backward passes give."""

from __future__ import annotations

import numpy as np

from cs_utils.gradcheck import numeric_gradient
from cs_utils.norm_reference import batch_norm_grad_mistakes, batch_norm_grads


def named(mistakes, words):
    """The one wrong gradient whose hint holds ``words``."""
    (value,) = (value for hint, value in mistakes.items() if words in hint)
    return value


def numpy_batch_norm(x, gamma, eps=1e-5):
    centred = x - x.mean(axis=0)
    return gamma * centred / np.sqrt((centred ** 2).mean(axis=0) + eps)


def test_batch_norm_grads_match_numeric_gradients():
    rng = np.random.default_rng(0)
    x, gamma, dout = rng.standard_normal((5, 3)) * 2 + 1, rng.standard_normal(3), rng.standard_normal((5, 3))
    dx, dgamma, dbeta = batch_norm_grads(dout, x, gamma)
    np.testing.assert_allclose(dx, numeric_gradient(lambda a: numpy_batch_norm(a, gamma), x.copy(), dout),
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dgamma, numeric_gradient(lambda g: numpy_batch_norm(x, g), gamma.copy(), dout),
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dbeta, dout.sum(axis=0))


def test_each_mistake_is_what_that_wrong_backward_pass_computes():
    rng = np.random.default_rng(1)
    x, gamma, dout = rng.standard_normal((6, 3)) * 2 + 1, rng.standard_normal(3), rng.standard_normal((6, 3))
    eps = 1e-5
    right_dx, _, _ = batch_norm_grads(dout, x, gamma, eps)
    mistakes = batch_norm_grad_mistakes(dout, x, gamma, eps)
    r = 1 / np.sqrt(x.var(axis=0) + eps)
    dx_hat = dout * gamma
    # Written out in NumPy, as students write them.
    np.testing.assert_allclose(named(mistakes["dx"], "mean and the variance as constants"), dx_hat * r,
                               rtol=1e-10)
    np.testing.assert_allclose(named(mistakes["dx"], "path through the variance"),
                               r * (dx_hat - dx_hat.mean(axis=0)), rtol=1e-10)
    np.testing.assert_allclose(named(mistakes["dx"], "gamma = 1") * gamma, right_dx, rtol=1e-10)
    x_hat_unbiased = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0, ddof=1) + eps)
    np.testing.assert_allclose(named(mistakes["dgamma"], "unbiased"), (dout * x_hat_unbiased).sum(axis=0),
                               rtol=1e-10)
    assert not any("batch axis alone" in hint for hint in mistakes["dgamma"]), "(N, D) has no other axis"


def test_spatial_batch_norm_also_names_statistics_over_the_batch_axis_alone():
    rng = np.random.default_rng(2)
    x, dout = rng.standard_normal((2, 3, 2, 4, 5))
    gamma = rng.standard_normal(2)
    mistakes = batch_norm_grad_mistakes(dout, x, gamma)
    x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-5)
    np.testing.assert_allclose(named(mistakes["dgamma"], "batch axis alone"),
                               (dout * x_hat).sum(axis=(0, 2, 3)), rtol=1e-10)
    assert all(value.shape == x.shape for value in mistakes["dx"].values())


def test_dgamma_from_x_and_statistics_divided_by_the_batch_size():
    rng = np.random.default_rng(3)
    x, dout = rng.standard_normal((2, 3, 2, 4, 5))
    gamma = rng.standard_normal(2)
    mistakes = batch_norm_grad_mistakes(dout, x, gamma)
    np.testing.assert_allclose(named(mistakes["dgamma"], "sum(dout * x)"), (dout * x).sum(axis=(0, 2, 3)))
    # The statistics of a staged backward pass that divides by N = 3 where it should by N*H*W = 60.
    mean = x.sum(axis=(0, 2, 3), keepdims=True) / 3
    x_hat = (x - mean) / np.sqrt(((x - mean) ** 2).sum(axis=(0, 2, 3), keepdims=True) / 3 + 1e-5)
    np.testing.assert_allclose(named(mistakes["dgamma"], "divide by N, the batch size"),
                               (dout * x_hat).sum(axis=(0, 2, 3)), rtol=1e-10)
    assert named(mistakes["dx"], "divide by N, the batch size").shape == x.shape
    assert not any("batch size" in hint for hint in batch_norm_grad_mistakes(dout[:, :, 0, 0], x[:, :, 0, 0],
                                                                                gamma)["dgamma"])
