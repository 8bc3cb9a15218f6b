"""conv2d_backward_fast with im2col by index arrays (xp[:, c, r, q]) and col2im by np.add.at on the same
indices: correct."""

BASED_ON = "einsum_offsets"
EXPECT = "full"
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
    np.add.at(dxp, (n, c[None], r[None], q[None]), dcols)
    return dxp[:, :, P:P + H, P:P + W], dw, db
''',
}
