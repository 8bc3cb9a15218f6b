"""np.pad(x, padding) pads every axis, batch and channels included, so the loop reads a padded image
of zeros as image 0 (the message must say to pad only the two spatial axes)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 12.5 / 18
ANSWERS = {"conv2d": '''
import numpy as np

def conv2d(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, padding)
    H_out = (H + 2 * padding - HH) // stride + 1
    W_out = (W + 2 * padding - WW) // stride + 1
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    top, left = i * stride, j * stride
                    out[n, f, i, j] = np.sum(xp[n, :, top:top + HH, left:left + WW] * w[f])
            if b is not None:
                out[n, f] += b[f]
    return out
'''}
