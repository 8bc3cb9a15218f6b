"""A missing bias becomes np.zeros(F), float64, added with out + b: float32 x without a bias comes back
as float64 (with a float32 bias the dtype is right)."""

BASED_ON = "vectorised"
EXPECT = "partial"
MAX_FRACTION = 10 / 11
ANSWERS = {"conv2d": '''
import numpy as np

def conv2d(x, w, b=None):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    if b is None:
        b = np.zeros(F)
    out = np.zeros((N, F, H - HH + 1, W - WW + 1), dtype=x.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(H - HH + 1):
                for j in range(W - WW + 1):
                    out[n, f, i, j] = np.sum(x[n, :, i:i + HH, j:j + WW] * w[f])
    return out + b[None, :, None, None]
'''}
