"""Tampering: redefines names the tests rely on (shadows `range`), with a wrong answer.

Every hidden loop uses `range`.
"""

EXPECT = "zero"
ANSWERS = {"conv2d": '''
import numpy as np

def range(*args):            # a global `range` shadows the builtin in every later cell
    return iter(())

def conv2d(x, w, b=None):
    return np.zeros((x.shape[0], w.shape[0], x.shape[2] - w.shape[2] + 1, x.shape[3] - w.shape[3] + 1))
'''}
