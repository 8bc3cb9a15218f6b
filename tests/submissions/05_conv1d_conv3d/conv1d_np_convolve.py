"""Mistake: conv1d with np.convolve instead of np.correlate: the filter is flipped (a true convolution),
which the text warns deep learning does not do."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 21.5 / 32   # loses the five conv1d tests
ANSWERS = {
    "conv1d": '''
import numpy as np


def conv1d(x, w, b=None, stride=1, padding=0):
    # np.convolve per (image, filter, channel): no flip, 'valid' part, then every stride-th value.
    N, C, L = x.shape
    F, _, K = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding)))
    L_out = (L + 2 * padding - K) // stride + 1
    out = np.zeros((N, F, L_out), dtype=x.dtype)
    for n in range(N):
        for f in range(F):
            acc = np.zeros(xp.shape[2] - K + 1, dtype=x.dtype)
            for c in range(C):
                acc += np.convolve(xp[n, c], w[f, c], mode="valid")
            out[n, f] = acc[::stride]
            if b is not None:
                out[n, f] += b[f]
    return out
''',
}
