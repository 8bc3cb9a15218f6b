"""conv2d rounds the output size up instead of down and lets the last window hang over the edge,
reading zeros there: one output row or column too many when the filter does not tile the input."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 12.5 / 18
ANSWERS = {"conv2d": '''
import math
import numpy as np

def conv2d(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = math.ceil((H + 2 * padding - HH) / stride) + 1
    W_out = math.ceil((W + 2 * padding - WW) / stride) + 1
    xp = np.zeros((N, C, H + 2 * padding + stride, W + 2 * padding + stride))
    xp[:, :, padding:padding + H, padding:padding + W] = x
    out = np.zeros((N, F, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            win = xp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            out[:, :, i, j] = np.tensordot(win, w, axes=([1, 2, 3], [1, 2, 3]))
    if b is not None:
        out += b.reshape(1, F, 1, 1)
    return out
'''}
