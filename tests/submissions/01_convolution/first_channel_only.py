"""Uses only the first input channel: a filter that does not span the input's depth."""

EXPECT = "partial"
MAX_FRACTION = 0.5
ANSWERS = {"conv2d": '''
import numpy as np

def conv2d(x, w, b=None):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    out = np.zeros((N, F, H - HH + 1, W - WW + 1))
    for n in range(N):
        for f in range(F):
            for i in range(H - HH + 1):
                for j in range(W - WW + 1):
                    out[n, f, i, j] = np.sum(x[n, 0, i:i + HH, j:j + WW] * w[f, 0])
            if b is not None:
                out[n, f] += b[f]
    return out
'''}
