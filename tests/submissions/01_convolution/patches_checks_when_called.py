"""Tampering from inside the graded call: a wrong conv2d that disables the checks (and NumPy's
comparisons) each time a test calls it, after the test has reloaded ``cs_utils.checks`` and after
the guard has restored everything before the test cell."""

EXPECT = "zero"
ANSWERS = {"conv2d": '''
import sys
import numpy as np

def _disable_checks():
    checks = sys.modules.get("cs_utils.checks")
    if checks is not None:
        checks.assert_close = lambda *args, **kwargs: None
        checks.assert_shape = lambda *args, **kwargs: None
    np.allclose = lambda *args, **kwargs: True
    np.testing.assert_allclose = lambda *args, **kwargs: None

def conv2d(x, w, b=None):
    _disable_checks()
    return np.zeros((x.shape[0], w.shape[0], x.shape[2] - w.shape[2] + 1, x.shape[3] - w.shape[3] + 1))
'''}
