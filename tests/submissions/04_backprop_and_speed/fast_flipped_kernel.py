"""Mistake: conv2d_fast flips the filter (a true convolution, notebook 01's distinction): w[:, :, ::-1,
::-1]."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 20.5 / 24   # loses the three conv2d_fast tests
ANSWERS = {
    "conv2d_fast": '''
import numpy as np


def _im2col_indices(C, Hp, Wp, HH, WW, S):
    Ho, Wo = (Hp - HH) // S + 1, (Wp - WW) // S + 1
    c = np.repeat(np.arange(C), HH * WW)                          # (C*HH*WW,)
    k = np.tile(np.repeat(np.arange(HH), WW), C)
    l = np.tile(np.arange(WW), C * HH)
    rows = S * np.repeat(np.arange(Ho), Wo)                       # (Ho*Wo,)
    cols = S * np.tile(np.arange(Wo), Ho)
    return c[:, None], (k[:, None] + rows[None, :]), (l[:, None] + cols[None, :]), Ho, Wo


def conv2d_fast(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    c, r, q, Ho, Wo = _im2col_indices(C, xp.shape[2], xp.shape[3], HH, WW, stride)
    cols = xp[:, c, r, q]                                          # (N, C*HH*WW, Ho*Wo)
    out = np.matmul(w[:, :, ::-1, ::-1].reshape(F, -1), cols)                        # (N, F, Ho*Wo)
    out = out.reshape(N, F, Ho, Wo)
    if b is not None:
        out = out + np.reshape(b, (F, 1, 1)).astype(out.dtype)
    return out
''',
}
