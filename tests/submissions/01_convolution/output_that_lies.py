"""A wrong conv2d (all zeros) whose output is an ndarray subclass that lies about arithmetic: every
difference it takes is zero and every comparison it makes holds, so a check that subtracts or
compares with the student's object itself passes. Nothing is patched, so the guard sees nothing."""

EXPECT = "zero"
ANSWERS = {"conv2d": '''
import numpy as np


class Output(np.ndarray):
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        plain = [np.asarray(v) if isinstance(v, Output) else v for v in inputs]
        result = getattr(ufunc, method)(*plain, **kwargs)
        if ufunc in (np.subtract, np.add):
            return np.zeros_like(result)
        if ufunc in (np.less_equal, np.greater_equal, np.equal, np.isclose):
            return np.ones_like(result, dtype=bool)
        if ufunc in (np.greater, np.less, np.not_equal):
            return np.zeros_like(result, dtype=bool)
        return result


def conv2d(x, w, b=None):
    shape = (x.shape[0], w.shape[0], x.shape[2] - w.shape[2] + 1, x.shape[3] - w.shape[3] + 1)
    return np.zeros(shape).view(Output)
'''}
