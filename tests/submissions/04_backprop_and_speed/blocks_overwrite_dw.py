"""conv2d_backward_fast works in blocks of 16 images, as section 5 suggests, but assigns dw and db in
each block instead of adding the blocks up: only the last block counts. Right whenever the batch fits in
one block."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 0.95
ANSWERS = {
    "conv2d_backward_fast": '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

def conv2d_backward_fast(dout, x, w, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, Ho, Wo = dout.shape
    p, s = padding, stride
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    win = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::s, ::s]
    dxp = np.zeros(xp.shape, dtype=np.result_type(dout, w))
    block = 16                                        # images per block, as in the forward pass
    for start in range(0, N, block):
        imgs = slice(start, start + block)
        dw = np.einsum("nfhw,nchwkl->fckl", dout[imgs], win[imgs])
        db = dout[imgs].sum(axis=(0, 2, 3))
        for k in range(HH):
            for l in range(WW):
                contribution = np.einsum("nfhw,fc->nchw", dout[imgs], w[:, :, k, l])
                dxp[imgs, :, k:k + s * Ho:s, l:l + s * Wo:s] += contribution
    return dxp[:, :, p:p + H, p:p + W], dw, db
''',
}
