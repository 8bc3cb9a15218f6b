"""batch_norm updates running_mean and running_var in place, as torch's F.batch_norm does, and returns
them."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 20.5 / 27   # loses the train, running and spatial tests
ANSWERS = {
    "batch_norm": r'''
import numpy as np

def batch_norm(x, running_mean, running_var, gamma, beta, training=False, momentum=0.1, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    shp = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        m = x.size // x.shape[1]
        mu, var = x.mean(axis=axes), x.var(axis=axes)
        running_mean *= 1 - momentum
        running_mean += momentum * mu
        running_var *= 1 - momentum
        running_var += momentum * var * m / (m - 1)
    else:
        mu, var = running_mean, running_var
    out = gamma.reshape(shp) * (x - mu.reshape(shp)) / np.sqrt(var.reshape(shp) + eps) + beta.reshape(shp)
    return out, running_mean, running_var
''',
}
