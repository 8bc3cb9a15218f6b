"""The running variance's unbiased correction m / (m - 1) counts every element of x (m = x.size) instead of
the values per feature (x.size // C)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 22 / 27   # loses both running-variance tests (features and spatial)
ANSWERS = {
    "batch_norm": '''
import numpy as np

def batch_norm(x, running_mean, running_var, gamma, beta, training=False, momentum=0.1, eps=1e-5):
    """Batch normalization, forward pass, as torch.nn.functional.batch_norm (same argument order).

    x: (N, D) or (N, C, H, W). running_mean, running_var, gamma (torch's weight), beta (bias): (D,) or (C,).
    training: use batch statistics and update the running ones (momentum weighs the new batch,
    the running variance is unbiased); otherwise use the running statistics.
    Returns (out, running_mean, running_var), new arrays (torch updates its running statistics in
    place instead): out has x's shape; all three have x's dtype. Modifies none of its inputs.
    """
    axes = (0,) + tuple(range(2, x.ndim))          # every axis but the channel/feature axis
    shape = (1, -1) + (1,) * (x.ndim - 2)          # broadcast (C,) against x
    if training:
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)
        count = x.size
        new_mean = (1 - momentum) * running_mean + momentum * mean
        new_var = (1 - momentum) * running_var + momentum * var * count / (count - 1)
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = np.array(running_mean, dtype=np.float64), np.array(running_var, dtype=np.float64)
    normalized = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return gamma.reshape(shape) * normalized + beta.reshape(shape), new_mean, new_var
''',
}
