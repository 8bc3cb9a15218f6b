"""Loops over filters and positions only, and sums x[:, :, window] * w[f] with np.sum and no axis: every
image gets the sum over the whole batch (right only when N = 1)."""

BASED_ON = "vectorised"
EXPECT = "partial"
MAX_FRACTION = 4 / 11
ANSWERS = {"conv2d": '''
import numpy as np

def conv2d(x, w, b=None):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    out = np.zeros((N, F, H - HH + 1, W - WW + 1), dtype=x.dtype)
    for f in range(F):
        for i in range(H - HH + 1):
            for j in range(W - WW + 1):
                out[:, f, i, j] = np.sum(x[:, :, i:i + HH, j:j + WW] * w[f])
        if b is not None:
            out[:, f] += b[f]
    return out
'''}
