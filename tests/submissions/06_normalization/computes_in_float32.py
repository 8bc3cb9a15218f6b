"""The right formulas, computed in float32 inside and cast back to x's dtype: float32 precision only."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 18.5 / 27   # loses all 9 batch_norm points
ANSWERS = {
    "batch_norm": '''
import numpy as np

def batch_norm(x, running_mean, running_var, gamma, beta, training=False, momentum=0.1, eps=1e-5):
    dtype = x.dtype
    x32 = x.astype(np.float32)
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        mean = x32.mean(axis=axes)
        var = x32.var(axis=axes)
        m = x.size // x.shape[1]
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var * m / (m - 1)
    else:
        mean, var = running_mean.astype(np.float32), running_var.astype(np.float32)
    out = (x32 - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    out = gamma.reshape(shape) * out + beta.reshape(shape)
    return out.astype(dtype), np.asarray(running_mean, dtype), np.asarray(running_var, dtype)
''',
}
