"""conv1d pads only the start of the sequence (np.pad with (P, 0)): no padding on one side."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.8
ANSWERS = {
    "conv1d": '''
import numpy as np

def conv1d(x, w, b=None, stride=1, padding=0):
    N, C, L = x.shape
    F, _, K = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, 0)))
    L_out = (xp.shape[2] - K) // stride + 1
    out = np.zeros((N, F, L_out))
    for n in range(N):
        for f in range(F):
            for i in range(L_out):
                out[n, f, i] = np.sum(xp[n, :, i * stride:i * stride + K] * w[f])
            if b is not None:
                out[n, f] += b[f]
    return out
''',
}
