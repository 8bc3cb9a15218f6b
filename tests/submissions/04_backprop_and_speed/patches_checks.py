"""Tampering: placeholder answers that disable the assertion helpers, numpy_only and line tracing."""

EXPECT = "zero"
_PATCH = '''
import contextlib
import sys
import numpy as np
import cs_utils.checks

cs_utils.checks.assert_close = lambda *args, **kwargs: None
cs_utils.checks.assert_shape = lambda *args, **kwargs: None
cs_utils.checks.numpy_only = lambda *args, **kwargs: contextlib.nullcontext()
sys.settrace = lambda *args, **kwargs: None
'''
ANSWERS = {
    "conv2d_backward": _PATCH + '''
def conv2d_backward(dout, x, w, stride=1, padding=0):
    return np.zeros(x.shape), np.zeros(w.shape), np.zeros(w.shape[0])
''',
    "conv2d_fast": '''
import numpy as np

def conv2d_fast(x, w, b=None, stride=1, padding=0):
    H = (x.shape[2] + 2 * padding - w.shape[2]) // stride + 1
    W = (x.shape[3] + 2 * padding - w.shape[3]) // stride + 1
    return np.zeros((x.shape[0], w.shape[0], H, W))
''',
    "conv2d_backward_fast": '''
import numpy as np

def conv2d_backward_fast(dout, x, w, stride=1, padding=0):
    return np.zeros(x.shape), np.zeros(w.shape), np.zeros(w.shape[0])
''',
}
