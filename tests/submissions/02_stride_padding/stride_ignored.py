"""Computes the strided output size but slides the window one pixel at a time (i, not i * stride)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = (0.75 * 15 + 3) / 18  # as before the 3 question points, which it answers
ANSWERS = {
    "conv2d": '''
import numpy as np

def conv2d(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out = (H + 2 * padding - HH) // stride + 1
    W_out = (W + 2 * padding - WW) // stride + 1
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, f, i, j] = np.sum(xp[n, :, i:i + HH, j:j + WW] * w[f])
            if b is not None:
                out[n, f] += b[f]
    return out
''',
}
