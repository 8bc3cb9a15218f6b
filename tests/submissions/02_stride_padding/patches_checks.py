"""Tampering: wrong answers that disable the assertion helpers and numpy_only they can see."""

EXPECT = "zero"
ANSWERS = {
    "conv_output_size": '''
import contextlib
import cs_utils.checks

cs_utils.checks.assert_close = lambda *args, **kwargs: None
cs_utils.checks.assert_shape = lambda *args, **kwargs: None
cs_utils.checks.numpy_only = lambda *args, **kwargs: contextlib.nullcontext()

def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    return 0
''',
    "conv2d": '''
import numpy as np

def conv2d(x, w, b=None, stride=1, padding=0):
    return np.zeros((x.shape[0], w.shape[0], 1, 1))
''',
}
