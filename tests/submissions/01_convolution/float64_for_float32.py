"""Correct values (scipy.signal.correlate2d per image, filter and channel), but the output is made with
np.zeros's default dtype, so float32 input comes back as float64 instead of x's dtype."""

BASED_ON = "vectorised"
EXPECT = "partial"
MAX_FRACTION = 10.5 / 11
ANSWERS = {"conv2d": '''
import numpy as np
from scipy.signal import correlate2d

def conv2d(x, w, b=None):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    out = np.zeros((N, F, H - HH + 1, W - WW + 1))
    for n in range(N):
        for f in range(F):
            for c in range(C):
                out[n, f] += correlate2d(x[n, c], w[f, c], mode="valid")
            if b is not None:
                out[n, f] += b[f]
    return out
'''}
