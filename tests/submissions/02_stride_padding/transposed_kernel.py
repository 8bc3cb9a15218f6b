"""Mixes up the filter's height and width (reads w[f] transposed): right only for square filters."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = (0.85 * 15 + 3) / 18  # as before the 3 question points, which it answers
ANSWERS = {
    "conv2d": '''
import numpy as np

def conv2d(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, WW, HH = w.shape          # height and width swapped
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out = (H + 2 * padding - HH) // stride + 1
    W_out = (W + 2 * padding - WW) // stride + 1
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            kernel = w[f].transpose(0, 2, 1)
            for i in range(H_out):
                for j in range(W_out):
                    out[n, f, i, j] = np.sum(xp[n, :, i * stride:i * stride + HH, '''
                    '''j * stride:j * stride + WW] * kernel)
            if b is not None:
                out[n, f] += b[f]
    return out
''',
}
