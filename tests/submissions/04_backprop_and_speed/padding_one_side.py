"""conv2d_fast pads only the top and left edges: np.pad(x, ((0, 0), (0, 0), (p, 0), (p, 0)))."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 0.9
ANSWERS = {
    "conv2d_fast": '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

def conv2d_fast(x, w, b=None, stride=1, padding=0):
    p = padding
    xp = np.pad(x, ((0, 0), (0, 0), (p, 0), (p, 0)))
    windows = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    out = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)
    return out if b is None else out + b[None, :, None, None]
''',
}
