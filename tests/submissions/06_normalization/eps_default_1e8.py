"""batch_norm's default eps is 1e-8 (as in Adam / many student codes) instead of torch's 1e-5."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 20.5 / 27   # loses the train, eval and spatial tests
ANSWERS = {
    "batch_norm": r'''
import numpy as np

def batch_norm(x, running_mean, running_var, gamma, beta, training=False, momentum=0.1, eps=1e-8):
    C = x.shape[1]
    columns = np.moveaxis(x, 1, -1).reshape(-1, C)          # one row per (n, h, w), one column per channel
    if training:
        mu = columns.mean(axis=0)
        var = columns.var(axis=0)
        running_mean = momentum * mu + (1.0 - momentum) * running_mean
        running_var = momentum * columns.var(axis=0, ddof=1) + (1.0 - momentum) * running_var
    else:
        mu, var = running_mean, running_var
        running_mean, running_var = running_mean.copy(), running_var.copy()
    y = (columns - mu) / np.sqrt(var + eps) * gamma + beta
    out = np.moveaxis(y.reshape(np.moveaxis(x, 1, -1).shape), -1, 1)
    return out, running_mean, running_var
''',
}
