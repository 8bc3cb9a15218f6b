"""Tampering: wrong answers that disable the assertion helpers and the NumPy-only guard they can see."""

EXPECT = "zero"
_PATCH = '''
import contextlib
import numpy as np
import cs_utils.checks
import cs_utils.gradcheck

cs_utils.checks.assert_close = lambda *args, **kwargs: None
cs_utils.checks.assert_shape = lambda *args, **kwargs: None
cs_utils.checks.numpy_only = lambda *args, **kwargs: contextlib.nullcontext()
cs_utils.gradcheck.numeric_gradient = lambda f, x, dout=None, h=1e-6: np.zeros_like(x)
'''
ANSWERS = {
    "batch_norm": _PATCH + '''
def batch_norm(x, running_mean, running_var, gamma, beta, training=False, momentum=0.1, eps=1e-5):
    return np.zeros_like(x), running_mean, running_var
''',
    "batch_norm_backward": '''
def batch_norm_backward(dout, x, gamma, eps=1e-5):
    return np.zeros_like(x), np.zeros_like(gamma), np.zeros_like(gamma)
''',
    "layer_norm": "def layer_norm(x, normalized_shape, gamma, beta, eps=1e-5):\n    return x",
    "instance_norm": "def instance_norm(x, *, gamma, beta, eps=1e-5):\n    return x",
    "group_norm": "def group_norm(x, num_groups, gamma, beta, eps=1e-5):\n    return x",
    "fold_batchnorm": ("def fold_batchnorm(w, b, gamma, beta, running_mean, running_var, eps=1e-5):\n"
                       "    return w, b"),
}
