"""Correct, but written nothing like the reference: a windows view and one tensordot."""

EXPECT = "full"
ANSWERS = {"conv2d": '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

def conv2d(x, w, b=None):
    windows = sliding_window_view(x, w.shape[2:], axis=(2, 3))   # (N, C, H', W', HH, WW)
    out = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3]))   # (N, H', W', F)
    out = out.transpose(0, 3, 1, 2)
    return out if b is None else out + np.reshape(b, (1, -1, 1, 1))
''',
    "answer_flip": 'answer_flip = "b"\n',
    "answer_output_numbers": "answer_output_numbers = 512\n",
    "answer_shift": 'answer_shift = "b"\n',
}
