"""cs_utils.pool_reference: pooling gradients by torch, and what wrong backward passes give."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from cs_utils.pool_reference import pool_grad, pool_grad_mistakes


def max_pool_backward_without_stride(dout, x, k):
    """The mistake, as students write it: window (i, j) at row i, column j."""
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i:i + k, j:j + k].reshape(*x.shape[:2], -1)
            r, c = np.unravel_index(window.argmax(axis=2), (k, k))
            for n in range(x.shape[0]):
                for ch in range(x.shape[1]):
                    dx[n, ch, i + r[n, ch], j + c[n, ch]] += dout[n, ch, i, j]
    return dx


def test_pool_grad_routes_max_and_shares_avg():
    x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]], dtype=float).reshape(1, 1, 4, 4)
    dout = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    routed = pool_grad(F.max_pool2d, dout, x, 2)
    expected = np.array([[0.0, 0, 0, 0], [0, 1, 0, 2], [3, 0, 0, 0], [0, 0, 0, 4]])  # the lecture example
    np.testing.assert_array_equal(routed[0, 0], expected)
    shared = np.kron(dout[0, 0], np.ones((2, 2))) / 4  # each of the four elements gets a quarter
    np.testing.assert_allclose(pool_grad(F.avg_pool2d, dout, x, 2)[0, 0], shared)


def test_the_ignored_stride_mistake_is_what_that_backward_pass_computes():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 9, 8))
    dout = rng.standard_normal((2, 3, 4, 3))  # the pooled shape: (9 - 3) // 2 + 1 = 4, (8 - 3) // 2 + 1 = 3
    mistakes = pool_grad_mistakes(F.max_pool2d, dout, x, 3, 2)
    (hint,) = (hint for hint in mistakes if "i * stride" in hint)
    np.testing.assert_allclose(mistakes[hint], max_pool_backward_without_stride(dout, x, 3), rtol=1e-12)
    dout_stride_1 = rng.standard_normal((2, 3, 7, 6))
    at_stride_1 = pool_grad_mistakes(F.max_pool2d, dout_stride_1, x, 3, 1)
    assert not any("i * stride" in hint for hint in at_stride_1), "at stride 1 there is no such mistake"


def test_avg_pool_also_names_dout_not_divided_by_the_window_size():
    x, dout = np.zeros((1, 1, 4, 4)), np.array([[[[4.0, 8.0], [12.0, 16.0]]]])
    mistakes = pool_grad_mistakes(F.avg_pool2d, dout, x, 2)
    (undivided,) = (value for hint, value in mistakes.items() if "kernel_size ** 2" in hint)
    np.testing.assert_allclose(undivided, np.kron(dout[0, 0], np.ones((2, 2)))[None, None])


def max_pool_backward_decoding(dout, x, k, s, decode, whole_batch=False):
    """A loop backward pass that finds each window's maximum with np.argmax and places it with decode(idx)."""
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            for n in range(x.shape[0]):
                for ch in range(x.shape[1]):
                    if whole_batch:
                        window = x[:, :, i * s:i * s + k, j * s:j * s + k]
                        idx = np.unravel_index(np.argmax(window), window.shape)[2:]
                        r, c = idx
                    else:
                        r, c = decode(np.argmax(x[n, ch, i * s:i * s + k, j * s:j * s + k]))
                    dx[n, ch, i * s + r, j * s + c] += dout[n, ch, i, j]
    return dx


def test_row_column_swap_and_whole_batch_argmax_are_what_those_backward_passes_compute():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 9, 8))
    for k, s in [(3, 2), (2, 1), (3, 3)]:
        dout = rng.standard_normal(F.max_pool2d(torch.from_numpy(x), k, s).shape)
        mistakes = pool_grad_mistakes(F.max_pool2d, dout, x, k, s)
        (swapped,) = (value for hint, value in mistakes.items() if "swapped" in hint)
        swap = max_pool_backward_decoding(dout, x, k, s, lambda idx: (idx % k, idx // k))
        np.testing.assert_allclose(swapped, swap, rtol=1e-12)
        (whole,) = (value for hint, value in mistakes.items() if "same element" in hint)
        np.testing.assert_allclose(whole, max_pool_backward_decoding(dout, x, k, s, None, whole_batch=True),
                                   rtol=1e-12)
        right = max_pool_backward_decoding(dout, x, k, s, lambda idx: (idx // k, idx % k))
        np.testing.assert_allclose(pool_grad(F.max_pool2d, dout, x, k, s), right, rtol=1e-12)
        assert not np.allclose(swapped, right) and not np.allclose(whole, right)


def test_a_single_map_has_no_whole_batch_mistake_and_1x1_windows_no_swap():
    x, dout = np.arange(16.0).reshape(1, 1, 4, 4), np.ones((1, 1, 2, 2))
    assert not any("same element" in hint for hint in pool_grad_mistakes(F.max_pool2d, dout, x, 2))
    one_by_one = pool_grad_mistakes(F.max_pool2d, np.ones((1, 1, 4, 4)), x, 1)
    assert not any("swapped" in hint for hint in one_by_one)
