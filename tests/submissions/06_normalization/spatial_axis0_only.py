"""Spatial BN with the statistics over axis 0 only (one mean and variance per (c, h, w) position), as
for (N, D); the running statistics per channel from the means of those over H and W."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 22.5 / 27   # loses at least 5 of the 27 points, like reshape_without_transpose
ANSWERS = {
    "batch_norm": '''
import numpy as np

def batch_norm(x, running_mean, running_var, gamma, beta, training=False, momentum=0.1, eps=1e-5):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        mean = x.mean(axis=0, keepdims=True)
        var = x.var(axis=0, keepdims=True)
        N = x.shape[0]
        spatial = tuple(range(2, x.ndim))
        running_mean = (1 - momentum) * running_mean + momentum * mean.mean(axis=spatial).ravel()
        running_var = (1 - momentum) * running_var + momentum * var.mean(axis=spatial).ravel() * N / (N - 1)
    else:
        mean, var = running_mean.reshape(shape), running_var.reshape(shape)
    out = (x - mean) / np.sqrt(var + eps)
    return gamma.reshape(shape) * out + beta.reshape(shape), running_mean, running_var
''',
}
