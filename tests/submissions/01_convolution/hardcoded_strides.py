"""An as_strided window view whose byte strides are worked out from the shape (C-contiguous float64
assumed) instead of read from x.strides: right on a fresh array, wrong on a view such as
photo.transpose(2, 0, 1)[None] and on float32 input."""

BASED_ON = "vectorised"
EXPECT = "partial"
MAX_FRACTION = 7 / 11
ANSWERS = {"conv2d": '''
import numpy as np
from numpy.lib.stride_tricks import as_strided

def conv2d(x, w, b=None):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = H - HH + 1, W - WW + 1
    s = 8  # bytes per float64
    cols = as_strided(x, shape=(N, C, HH, WW, Ho, Wo), strides=(C * H * W * s, H * W * s, W * s, s, W * s, s))
    out = np.einsum("ncijhw,fcij->nfhw", cols, w)
    if b is not None:
        out = out + b.reshape(1, F, 1, 1)
    return out
'''}
