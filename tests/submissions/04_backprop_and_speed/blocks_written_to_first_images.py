"""conv2d_fast works in blocks of 16 images, as section 5 suggests, but writes every block's output to
the first images of `out` (`out[:len(chunk)]` instead of `out[start:start + len(chunk)]`). Right whenever
the batch fits in one block."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 0.95
ANSWERS = {
    "conv2d_fast": '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

def conv2d_fast(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    p = padding
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    win = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]
    Ho, Wo = win.shape[2:4]
    out = np.empty((N, F, Ho, Wo), dtype=np.result_type(x, w))
    block = 16                                        # images per im2col matrix: cache-sized
    for start in range(0, N, block):
        chunk = win[start:start + block]
        out[:len(chunk)] = np.einsum("nchwkl,fckl->nfhw", chunk, w)
    if b is not None:
        out = out + b[None, :, None, None]
    return out
''',
}
