"""Torch references for notebook 06's batch-norm backward tests: the gradients of training-mode batch
normalization, and what common wrong backward passes compute, so that a test can name the mistake.

Every wrong gradient is torch autograd through batch norm with the mistake made in its forward pass
(the unbiased variance, statistics over the batch axis alone, the statistics held constant,
gamma left out), so it is exactly what a backward pass with that mistake gives.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def batch_norm_grads(dout, x, gamma, eps: float = 1e-5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dx, dgamma, dbeta) of sum(batch_norm(x) * dout) in training mode, by torch autograd in float64.

    dout, x: (N, D) or (N, C, H, W); gamma: (D,) or (C,).
    """
    xt, gt = torch.tensor(x, requires_grad=True), torch.tensor(gamma, requires_grad=True)
    bt = torch.zeros(len(gamma), dtype=torch.float64, requires_grad=True)
    F.batch_norm(xt, None, None, gt, bt, training=True, eps=eps).backward(torch.tensor(dout))
    return xt.grad.numpy(), gt.grad.numpy(), bt.grad.numpy()


def _grads_of_variant(dout, x, gamma, eps, axes, unbiased=False, constants=(), count=None):
    """(dx, dgamma) through (x - mean) / sqrt(var + eps) * gamma, the statistics over ``axes``; those
    named in ``constants`` ("mean", "var") pass no gradient back to x. ``count``: the m that the sums
    of the mean and the variance are divided by, when not the number of values they add up."""
    xt, gt = torch.tensor(x, requires_grad=True), torch.tensor(gamma, requires_grad=True)
    if count is None:
        mean = xt.mean(dim=axes, keepdim=True)
        var = xt.var(dim=axes, keepdim=True, unbiased=unbiased)
    else:
        mean = xt.sum(dim=axes, keepdim=True) / count
        var = ((xt - mean) ** 2).sum(dim=axes, keepdim=True) / count
    mean, var = (v.detach() if name in constants else v for name, v in (("mean", mean), ("var", var)))
    x_hat = (xt - mean) / torch.sqrt(var + eps)
    (x_hat * gt.reshape((1, -1) + (1,) * (xt.dim() - 2))).backward(torch.tensor(dout))
    return xt.grad.numpy(), gt.grad.numpy()


UNBIASED = ("These are the gradients of batch norm with the unbiased variance (divided by m - 1): the "
            "forward pass normalizes with the biased one, divided by m, and the backward pass must too")
BATCH_AXIS_ALONE = ("These are the gradients of statistics over the batch axis alone: for (N, C, H, W) "
                    "each channel's mean and variance are over N, H and W, so the backward pass sums are too")
NO_VARIANCE_PATH = "dx leaves out the path through the variance: the variance depends on every x_i too"
STATISTICS_CONSTANT = ("dx treats the mean and the variance as constants, but both depend on every x_i: "
                       "their paths add one term each to dx")
NO_GAMMA = "dx is the gradient for gamma = 1: dL/dx_hat is gamma * dL/dy"
DGAMMA_FROM_X = "dgamma is sum(dout * x): gamma multiplies x_hat, so dgamma = sum(dout * x_hat)"
COUNT_IS_BATCH_SIZE = ("These are the gradients of batch norm whose mean and variance divide by N, the "
                       "batch size: for (N, C, H, W) each channel's statistics are over m = N*H*W values, "
                       "so divide by N*H*W")


def batch_norm_grad_mistakes(dout, x, gamma, eps: float = 1e-5) -> dict[str, dict[str, np.ndarray]]:
    """{"dx": {hint: wrong dx}, "dgamma": {hint: wrong dgamma}} for common wrong backward passes."""
    axes = (0,) + tuple(range(2, np.ndim(x)))
    unbiased_dx, unbiased_dgamma = _grads_of_variant(dout, x, gamma, eps, axes, unbiased=True)
    mistakes = {
        "dx": {
            UNBIASED: unbiased_dx,
            NO_VARIANCE_PATH: _grads_of_variant(dout, x, gamma, eps, axes, constants=("var",))[0],
            STATISTICS_CONSTANT: _grads_of_variant(dout, x, gamma, eps, axes, constants=("mean", "var"))[0],
            NO_GAMMA: batch_norm_grads(dout, x, np.ones_like(gamma), eps)[0],
        },
        "dgamma": {UNBIASED: unbiased_dgamma,
                   DGAMMA_FROM_X: (np.asarray(dout) * np.asarray(x)).sum(axis=axes)},
    }
    if len(axes) > 1:
        batch_dx, batch_dgamma = _grads_of_variant(dout, x, gamma, eps, (0,))
        mistakes["dx"][BATCH_AXIS_ALONE], mistakes["dgamma"][BATCH_AXIS_ALONE] = batch_dx, batch_dgamma
        count_dx, count_dgamma = _grads_of_variant(dout, x, gamma, eps, axes, count=np.shape(x)[0])
        mistakes["dx"][COUNT_IS_BATCH_SIZE], mistakes["dgamma"][COUNT_IS_BATCH_SIZE] = count_dx, count_dgamma
    return mistakes
