"""Correct, written unlike the reference: einsum on the windows view, and loops over kernel offsets."""

EXPECT = "full"
ANSWERS = {
    "conv2d_backward": '''
import numpy as np

def conv2d_backward(dout, x, w, stride=1, padding=0):
    # One output position at a time, all images and filters at once.
    HH, WW = w.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    dxp = np.zeros_like(xp, dtype=float)
    dw = np.zeros_like(w, dtype=float)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows = slice(i * stride, i * stride + HH)
            cols = slice(j * stride, j * stride + WW)
            g = dout[:, :, i, j]                                   # (N, F)
            dw += np.einsum("nf,nckl->fckl", g, xp[:, :, rows, cols])
            dxp[:, :, rows, cols] += np.einsum("nf,fckl->nckl", g, w)
    H, W = x.shape[2:]
    return dxp[:, :, padding:padding + H, padding:padding + W], dw, dout.sum(axis=(0, 2, 3)).astype(float)
''',
    "conv2d_fast": '''
import numpy as np

def conv2d_fast(x, w, b=None, stride=1, padding=0):
    # Sum over kernel offsets: each offset is one strided slice times one (C, F) matrix.
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    Ho = (H + 2 * padding - HH) // stride + 1
    Wo = (W + 2 * padding - WW) // stride + 1
    out = np.zeros((N, F, Ho, Wo), dtype=np.result_type(x, w))
    for k in range(HH):
        for l in range(WW):
            patch = xp[:, :, k:k + stride * (Ho - 1) + 1:stride, l:l + stride * (Wo - 1) + 1:stride]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, k, l])
    if b is not None:
        out += np.asarray(b, dtype=out.dtype)[:, None, None]
    return out
''',
    "conv2d_backward_fast": '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

def conv2d_backward_fast(dout, x, w, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = dout.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    win = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :Ho, :Wo]
    dw = np.einsum("nfhw,nchwkl->fckl", dout, win, optimize=True)
    db = np.einsum("nfhw->f", dout)
    dxp = np.zeros(xp.shape, dtype=np.result_type(dout, w))
    for k in range(HH):
        for l in range(WW):
            dxp[:, :, k:k + stride * (Ho - 1) + 1:stride, l:l + stride * (Wo - 1) + 1:stride] += \\
                np.einsum("nfhw,fc->nchw", dout, w[:, :, k, l])
    return dxp[:, :, padding:padding + H, padding:padding + W], dw, db
''',
}
