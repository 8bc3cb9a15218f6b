"""Correct values, but the "fast" functions still loop over every output position: not vectorized."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 0.95
ANSWERS = {
    "conv2d_fast": '''
import numpy as np

def conv2d_fast(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    Ho, Wo = (H + 2 * padding - HH) // stride + 1, (W + 2 * padding - WW) // stride + 1
    out = np.zeros((N, F, Ho, Wo), dtype=np.result_type(x, w))
    for i in range(Ho):
        for j in range(Wo):
            window = xp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3]))
    return out if b is None else out + b[None, :, None, None]
''',
    # The naive backward pass of einsum_offsets.py (loops over positions) handed in as the fast one.
    "conv2d_backward_fast": '''
import numpy as np

def conv2d_backward_fast(dout, x, w, stride=1, padding=0):
    # One output position at a time, all images and filters at once.
    HH, WW = w.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    dxp = np.zeros_like(xp, dtype=np.result_type(dout, w))
    dw = np.zeros_like(w, dtype=np.result_type(dout, w))
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows = slice(i * stride, i * stride + HH)
            cols = slice(j * stride, j * stride + WW)
            g = dout[:, :, i, j]                                   # (N, F)
            dw += np.einsum("nf,nckl->fckl", g, xp[:, :, rows, cols])
            dxp[:, :, rows, cols] += np.einsum("nf,fckl->nckl", g, w)
    H, W = x.shape[2:]
    return dxp[:, :, padding:padding + H, padding:padding + W], dw, dout.sum(axis=(0, 2, 3))
''',
}
