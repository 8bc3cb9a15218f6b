"""dx = dout * gamma / sqrt(var + eps): the backward pass ignores that the mean and variance depend on x."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 23.5 / 27   # loses at least 4 of the 27 points
ANSWERS = {
    "batch_norm_backward": '''
import numpy as np

def batch_norm_backward(dout, x, gamma, eps=1e-5):
    axes = (0, 2, 3) if x.ndim == 4 else (0,)
    shape = (1, -1, 1, 1) if x.ndim == 4 else (1, -1)
    mean = x.mean(axis=axes, keepdims=True)
    std = np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    x_hat = (x - mean) / std
    dx = dout * gamma.reshape(shape) / std
    return dx, (dout * x_hat).sum(axis=axes), dout.sum(axis=axes)
''',
}
