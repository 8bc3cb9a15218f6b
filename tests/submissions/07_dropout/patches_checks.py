"""Tampering: wrong answers that disable the assertion helpers and the NumPy-only guard they can see."""

EXPECT = "zero"
ANSWERS = {
    "dropout": '''
import contextlib
import numpy as np
import cs_utils.checks
import cs_utils.gradcheck

cs_utils.checks.assert_close = lambda *args, **kwargs: None
cs_utils.checks.assert_shape = lambda *args, **kwargs: None
cs_utils.checks.numpy_only = lambda *args, **kwargs: contextlib.nullcontext()
cs_utils.gradcheck.numeric_gradient = lambda f, x, dout=None, h=1e-6: np.zeros_like(x)

def dropout(x, p, training, rng):
    mask = np.ones(x.shape, dtype=bool)
    mask.flat[: int(round(p * x.size))] = False
    return x * mask, mask
''',
    "dropout_backward": '''
def dropout_backward(dout, mask, p):
    return dout
''',
}
