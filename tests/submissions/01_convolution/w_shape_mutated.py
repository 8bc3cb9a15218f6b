"""Reshapes the caller's filters in place (w.shape = (F, -1)) to use a matrix product: right values,
but w is changed, so the caller's filters (and anything that uses them next) break."""

BASED_ON = "vectorised"
EXPECT = "partial"
MAX_FRACTION = 3 / 11
ANSWERS = {"conv2d": '''
import numpy as np

def conv2d(x, w, b=None):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    w.shape = (F, C * HH * WW)
    out = np.zeros((N, F, H - HH + 1, W - WW + 1), dtype=x.dtype)
    for n in range(N):
        for i in range(H - HH + 1):
            for j in range(W - WW + 1):
                out[n, :, i, j] = w @ x[n, :, i:i + HH, j:j + WW].ravel()
    if b is not None:
        out += b[None, :, None, None]
    return out
'''}
