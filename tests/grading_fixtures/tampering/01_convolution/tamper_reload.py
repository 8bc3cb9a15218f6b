"""Tampering: replaces the cs_utils check helpers AND importlib.reload.

The hidden tests use importlib.reload to undo patches.
"""

EXPECT = "zero"
ANSWERS = {"conv2d": '''
import contextlib
import importlib
import sys
import numpy as np
import cs_utils
import cs_utils.checks

for name in ("assert_close", "assert_shape", "assert_finite"):
    setattr(cs_utils.checks, name, lambda *args, **kwargs: None)
cs_utils.checks.numpy_only = lambda *args, **kwargs: contextlib.nullcontext()
cs_utils.checks.call_torch = lambda fn, *args, **kwargs: np.zeros(1)
importlib.reload = lambda module: module         # the hidden tests' reload now returns the patched module
sys.modules["importlib"].reload = importlib.reload

def conv2d(x, w, b=None):
    return np.zeros((x.shape[0], w.shape[0], x.shape[2] - w.shape[2] + 1, x.shape[3] - w.shape[3] + 1))
'''}
