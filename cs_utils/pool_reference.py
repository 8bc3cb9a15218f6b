"""Torch references for notebook 03's pooling backward tests: the gradients, and what common wrong
backward passes compute, so that a test can name the mistake.

Each wrong gradient comes from torch too (autograd through pooling with the mistake made), so it is
exactly what a backward pass with that mistake gives.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def pool_grad(pool, dout, x, kernel_size: int, stride: int | None = None) -> np.ndarray:
    """dx of sum(pool(x, kernel_size, stride) * dout) by torch autograd, in x's dtype.

    pool: ``F.max_pool2d`` or ``F.avg_pool2d``. dout: the pooled shape; x: (N, C, H, W).
    """
    xt = torch.tensor(x, requires_grad=True)
    pool(xt, kernel_size, stride).backward(torch.tensor(dout))
    return xt.grad.numpy()


def pool_grad_mistakes(pool, dout, x, kernel_size: int, stride: int | None = None) -> dict[str, np.ndarray]:
    """{hint: what a common wrong backward pass gives} for ``pool_grad``'s arguments."""
    k, s = kernel_size, kernel_size if stride is None else stride
    mistakes = {}
    if s != 1:
        # Window (i, j) placed at row i, column j: pooling at stride 1 over the top-left corner that
        # those windows cover.
        rows, cols = dout.shape[2] + k - 1, dout.shape[3] + k - 1
        unit_steps = np.zeros_like(x)
        unit_steps[:, :, :rows, :cols] = pool_grad(pool, dout, x[:, :, :rows, :cols], k, 1)
        mistakes["dx is what windows starting at row i and column j give: window (i, j) starts at row "
                 "i * stride and column j * stride"] = unit_steps
    if pool is F.avg_pool2d:
        undivided = pool_grad(pool, dout, x, k, stride) * k * k
        mistakes["Each element of a window got all of dout: the average divides by the kernel_size ** 2 "
                 "elements, so each gets dout / kernel_size ** 2"] = undivided
    return mistakes
