"""Pooling through as_strided with byte strides worked out from the shape (C-contiguous input assumed)
instead of read from x.strides: right on a fresh array, wrong on a transposed or sliced view."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 11.5 / 15
ANSWERS = {"max_pool2d": '''
import numpy as np
from numpy.lib.stride_tricks import as_strided

def max_pool2d(x, kernel_size, stride=None):
    k = kernel_size
    s = k if stride is None else stride
    N, C, H, W = x.shape
    Ho, Wo = (H - k) // s + 1, (W - k) // s + 1
    e = x.itemsize
    strides = (C * H * W * e, H * W * e, s * W * e, s * e, W * e, e)
    win = as_strided(x, shape=(N, C, Ho, Wo, k, k), strides=strides)
    return win.max(axis=(4, 5))
''', "avg_pool2d": '''
import numpy as np
from numpy.lib.stride_tricks import as_strided

def avg_pool2d(x, kernel_size, stride=None):
    k = kernel_size
    s = k if stride is None else stride
    N, C, H, W = x.shape
    Ho, Wo = (H - k) // s + 1, (W - k) // s + 1
    e = x.itemsize
    strides = (C * H * W * e, H * W * e, s * W * e, s * e, W * e, e)
    win = as_strided(x, shape=(N, C, Ho, Wo, k, k), strides=strides)
    return win.mean(axis=(4, 5))
'''}
