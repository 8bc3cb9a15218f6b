"""Normalizes x in place (x -= mean; x /= std) to save memory: the caller's x changes."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 20.5 / 27   # loses the train, eval and spatial tests (7 points)
ANSWERS = {
    "batch_norm": '''
import numpy as np

def batch_norm(x, running_mean, running_var, gamma, beta, training=False, momentum=0.1, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)
        m = x.size // x.shape[1]
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var * m / (m - 1)
    else:
        mean, var = running_mean, running_var
    x -= mean.reshape(shape)
    x /= np.sqrt(var.reshape(shape) + eps)
    return gamma.reshape(shape) * x + beta.reshape(shape), running_mean, running_var
''',
}
