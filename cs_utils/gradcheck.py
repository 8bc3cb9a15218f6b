"""Centered-difference numeric gradients, for checking hand-written backward passes (03, 04, 06, 07)."""

from __future__ import annotations

from typing import Callable

import numpy as np


def numeric_gradient(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, dout=None,
                     h: float = 1e-6) -> np.ndarray:
    """Gradient of ``sum(f(x) * dout)`` with respect to ``x`` by centered differences.

    ``f`` maps an array to an array (or a scalar); ``dout`` is the upstream gradient with ``f(x)``'s
    shape (ones when omitted). ``x`` must be float64 and is modified in place during the loop,
    then restored exactly. Cost: two calls of ``f`` per element of ``x``, so keep ``x`` small.
    """
    x = np.asarray(x)
    if x.dtype != np.float64:
        raise TypeError(f"numeric_gradient needs a float64 array, got {x.dtype}: float32 round-off "
                        "swamps a finite difference")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        idx = it.multi_index
        original = x[idx]
        # A copy: an f that returns a view of x (reshape, transpose) would see the next change of x.
        x[idx] = original + h
        plus = np.array(f(x), dtype=np.float64)
        x[idx] = original - h
        minus = np.array(f(x), dtype=np.float64)
        x[idx] = original
        upstream = np.ones_like(plus) if dout is None else dout
        grad[idx] = np.sum((plus - minus) * upstream) / (2 * h)
        it.iternext()
    return grad
