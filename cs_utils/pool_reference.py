"""Torch references for notebook 03's pooling backward tests: the gradients, and what common wrong
backward passes compute, so that a test can name the mistake.

Each wrong gradient comes from torch too: autograd through pooling with the mistake made, or, for
max pooling, the positions of the maxima that torch reports (``return_indices``), moved the way
the mistake moves them; so it is exactly what a backward pass with that mistake gives.
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


def _routed(dout, x, rows, cols) -> np.ndarray:
    """dx, in x's dtype, when each dout[n, c, i, j] is added to x's element (n, c, rows[...], cols[...]),
    rows and cols indexed like dout (or broadcast to its shape)."""
    N, C, H, W = x.shape
    dx = np.zeros((N * C, H * W), dtype=x.dtype)
    flat = np.broadcast_to(rows * W + cols, dout.shape).reshape(N * C, -1)
    np.add.at(dx, (np.arange(N * C)[:, None], flat), np.asarray(dout).reshape(N * C, -1))
    return dx.reshape(x.shape)


def _max_positions(x, kernel_size: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of torch's max of every window, shaped like the pooled output."""
    _, where = F.max_pool2d(torch.tensor(x), kernel_size, stride, return_indices=True)
    where = where.numpy()
    return where // x.shape[3], where % x.shape[3]


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
    if pool is F.max_pool2d and k > 1:
        rows, cols = _max_positions(x, k, s)
        top = np.arange(dout.shape[2])[:, None] * s
        left = np.arange(dout.shape[3])[None, :] * s
        # The maximum at (r, c) inside its window sent to (c, r): a flat index decoded as (idx % k, idx // k).
        swapped = _routed(dout, x, top + (cols - left), left + (rows - top))
        mistakes["dout went to the wrong element of the window: its row and column inside the window are "
                 "swapped. The flat index idx of a row-major k x k window is at row idx // k and column "
                 "idx % k (np.unravel_index(idx, (k, k)))"] = swapped
        if x.shape[0] * x.shape[1] > 1:
            # np.argmax over a whole (N, C, k, k) slice: one position per window for every image and
            # channel, that of the largest value in the slice.
            whole = np.max(x, axis=(0, 1), keepdims=True)
            shared = _routed(dout, x, *_max_positions(whole, k, s))
            mistakes["Every image and channel sent dout to the same element of the window, where the largest "
                     "value of all images and channels is: take the argmax of each (n, c) window separately "
                     "(np.argmax over the window's last axis, not over the whole slice)"] = shared
    if pool is F.avg_pool2d:
        undivided = pool_grad(pool, dout, x, k, stride) * k * k
        mistakes["Each element of a window got all of dout: the average divides by the kernel_size ** 2 "
                 "elements, so each gets dout / kernel_size ** 2"] = undivided
    return mistakes
