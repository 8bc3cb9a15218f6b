"""The fast backward pass returns dw with the kernel's rows and columns swapped (an im2col reshape mix-up)."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 0.85
ANSWERS = {
    "conv2d_backward_fast": '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

def conv2d_backward_fast(dout, x, w, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    p, s = padding, stride
    _, _, Ho, Wo = dout.shape
    xp = np.pad(x.transpose(0, 2, 3, 1), ((0, 0), (p, p), (p, p), (0, 0)))
    cols = sliding_window_view(xp, (HH, WW), axis=(1, 2))[:, ::s, ::s]      # (N, Ho, Wo, C, HH, WW)
    cols = cols.transpose(0, 1, 2, 4, 5, 3).reshape(-1, HH * WW * C)
    d = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    dw = (d.T @ cols).reshape(F, HH, WW, C).transpose(0, 3, 2, 1)          # should be (0, 3, 1, 2)
    dcols = (d @ w.transpose(0, 2, 3, 1).reshape(F, -1)).reshape(N, Ho, Wo, HH, WW, C)
    dxp = np.zeros(xp.shape, dtype=dcols.dtype)
    for k in range(HH):
        for l in range(WW):
            dxp[:, k:k + s * Ho:s, l:l + s * Wo:s] += dcols[:, :, :, k, l]
    return dxp[:, p:p + H, p:p + W].transpose(0, 3, 1, 2), dw, dout.sum(axis=(0, 2, 3))
''',
}
