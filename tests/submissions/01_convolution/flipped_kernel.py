"""True convolution (flipped filter) instead of cross-correlation: a classic mistake."""

EXPECT = "partial"
ANSWERS = {"conv2d": '''
import numpy as np

def conv2d(x, w, b=None):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    out = np.zeros((N, F, H - HH + 1, W - WW + 1))
    flipped = w[:, :, ::-1, ::-1]
    for n in range(N):
        for f in range(F):
            for i in range(H - HH + 1):
                for j in range(W - WW + 1):
                    out[n, f, i, j] = np.sum(x[n, :, i:i + HH, j:j + WW] * flipped[f])
            if b is not None:
                out[n, f] += b[f]
    return out
'''}
