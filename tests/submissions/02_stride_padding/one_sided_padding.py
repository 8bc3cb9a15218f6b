"""Pads only the top and left borders (np.pad with (padding, 0)) instead of every side."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = (0.75 * 15 + 3) / 18  # as before the 3 question points, which it answers
ANSWERS = {
    "conv2d": '''
import numpy as np

def conv2d(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, 0), (padding, 0)))
    H_out = (xp.shape[2] - HH) // stride + 1
    W_out = (xp.shape[3] - WW) // stride + 1
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, f, i, j] = np.sum(xp[n, :, i * stride:i * stride + HH, '''
                    '''j * stride:j * stride + WW] * w[f])
            if b is not None:
                out[n, f] += b[f]
    return out
''',
}
