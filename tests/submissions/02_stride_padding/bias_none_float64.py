"""A missing bias becomes np.zeros(F), float64, added with out + b: float32 x without a bias
comes back as float64 (with a float32 bias the dtype is right)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 17 / 18
ANSWERS = {"conv2d": '''
import numpy as np

def conv2d(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    if b is None:
        b = np.zeros(F)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    Ho = (H + 2 * padding - HH) // stride + 1
    Wo = (W + 2 * padding - WW) // stride + 1
    out = np.zeros((N, F, Ho, Wo), dtype=x.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    r, c = i * stride, j * stride
                    out[n, f, i, j] = np.sum(xp[n, :, r:r + HH, c:c + WW] * w[f])
    return out + b[None, :, None, None]
'''}
