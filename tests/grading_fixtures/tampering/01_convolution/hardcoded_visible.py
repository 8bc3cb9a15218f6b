"""Tampering: hard-codes the outputs of the visible tests (looked up by input) and returns zeros otherwise."""

EXPECT = "zero"
ANSWERS = {"conv2d": '''
import numpy as np

def _slow_reference(x, w, b=None):   # stands in for the numbers a student copies from the visible tests
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    out = np.zeros((N, F, H - HH + 1, W - WW + 1))
    for i in range(H - HH + 1):
        for j in range(W - WW + 1):
            out[:, :, i, j] = np.tensordot(x[:, :, i:i + HH, j:j + WW], w, axes=([1, 2, 3], [1, 2, 3]))
    return out if b is None else out + b.reshape(1, -1, 1, 1)

_visible = {}
def _remember(x, w, b=None):
    _visible[(x.tobytes(), w.tobytes(), None if b is None else b.tobytes())] = _slow_reference(x, w, b)

rng = np.random.default_rng(1)
_remember(rng.standard_normal((2, 3, 32, 32)), rng.standard_normal((6, 3, 5, 5)), rng.standard_normal(6))
_x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
_remember(_x, np.array([[[[1.0, 2.0], [0.0, -1.0]]]]))
_remember(np.concatenate([_x, 10 * _x], axis=1), np.ones((1, 2, 2, 2)))
_remember(_x, np.array([[[[1.0, 0.0, -1.0]]]]))
_remember(np.linspace(-0.1, 0.5, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4),
          np.linspace(-0.2, 0.3, num=3 * 3 * 4 * 4).reshape(3, 3, 4, 4), np.linspace(-0.1, 0.2, num=3))
rng = np.random.default_rng(2)
_x, _w = rng.standard_normal((2, 2, 6, 5)), rng.standard_normal((3, 2, 3, 2))
_remember(_x, _w); _remember(_x, _w, np.zeros(3)); _remember(_x, _w, np.array([1.5, -2.0, 0.25]))
rng = np.random.default_rng(3)
_remember(rng.standard_normal((2, 3, 9, 7)), rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(4))

def conv2d(x, w, b=None):
    key = (x.tobytes(), w.tobytes(), None if b is None else np.asarray(b).tobytes())
    if key in _visible:
        return _visible[key].copy()
    return np.zeros((x.shape[0], w.shape[0], x.shape[2] - w.shape[2] + 1, x.shape[3] - w.shape[3] + 1))
'''}
