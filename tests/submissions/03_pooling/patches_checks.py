"""Tampering: wrong answers that disable the assertion helpers and numpy_only, and fake numeric_gradient."""

EXPECT = "zero"
ANSWERS = {
    "max_pool2d": '''
import contextlib
import numpy as np
import cs_utils.checks
import cs_utils.gradcheck

cs_utils.checks.assert_close = lambda *args, **kwargs: None
cs_utils.checks.assert_shape = lambda *args, **kwargs: None
cs_utils.checks.numpy_only = lambda *args, **kwargs: contextlib.nullcontext()
cs_utils.gradcheck.numeric_gradient = lambda f, x, dout=None, h=1e-6: np.zeros_like(x)

def max_pool2d(x, kernel_size, stride=None):
    return np.zeros((1, 1, 1, 1))
''',
    "avg_pool2d": '''
def avg_pool2d(x, kernel_size, stride=None):
    return x
''',
    "max_pool2d_backward": '''
import numpy as np

def max_pool2d_backward(dout, x, kernel_size, stride=None):
    return np.zeros_like(x)
''',
    "avg_pool2d_backward": '''
import numpy as np

def avg_pool2d_backward(dout, x, kernel_size, stride=None):
    return np.zeros_like(x)
''',
}
