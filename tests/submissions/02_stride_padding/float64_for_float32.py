"""Correct values with loops over output positions, but the output is made with np.zeros's default
dtype, so float32 input comes back as float64 instead of x's dtype (the visible test says so)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 17.5 / 18
ANSWERS = {"conv2d": '''
import numpy as np

def conv2d(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out = (H + 2 * padding - HH) // stride + 1
    W_out = (W + 2 * padding - WW) // stride + 1
    out = np.zeros((N, F, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            patch = xp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            for f in range(F):
                out[:, f, i, j] = np.sum(patch * w[f], axis=(1, 2, 3))
    if b is not None:
        out += b.reshape(1, F, 1, 1)
    return out
'''}
