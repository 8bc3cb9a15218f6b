"""Mistake: col2im with fancy-index `+=` (dxp[n, c, r, q] += dcols) instead of np.add.at: with repeated
indices (overlapping windows) only one copy's gradient is added."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 20.5 / 24   # loses the three conv2d_backward_fast tests
ANSWERS = {
    "conv2d_backward_fast": '''
import numpy as np


def conv2d_backward_fast(dout, x, w, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    P, S = padding, stride
    xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)))
    Hp, Wp = xp.shape[2:]
    Ho, Wo = dout.shape[2:]
    c = np.repeat(np.arange(C), HH * WW)[:, None]
    r = np.tile(np.repeat(np.arange(HH), WW), C)[:, None] + S * np.repeat(np.arange(Ho), Wo)[None, :]
    q = np.tile(np.arange(WW), C * HH)[:, None] + S * np.tile(np.arange(Wo), Ho)[None, :]
    cols = xp[:, c, r, q]                                          # (N, C*HH*WW, Ho*Wo)
    d = dout.reshape(N, F, Ho * Wo)
    dw = np.einsum("nfp,nkp->fk", d, cols).reshape(w.shape)
    db = d.sum(axis=(0, 2))
    dcols = np.einsum("fk,nfp->nkp", w.reshape(F, -1), d)           # gradient of every copy
    dxp = np.zeros(xp.shape, dtype=np.result_type(dout, w))
    n = np.arange(N)[:, None, None]
    dxp[n, c[None], r[None], q[None]] += dcols
    return dxp[:, :, P:P + H, P:P + W], dw, db
''',
}
