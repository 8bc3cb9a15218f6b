"""PyTorch's update formula, but the default momentum is CS231n's 0.9 (signature momentum=0.9)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 25.5 / 27   # loses test_batch_norm_running
ANSWERS = {
    "batch_norm": r'''
import numpy as np

def batch_norm(x, running_mean, running_var, gamma, beta, training=False, momentum=0.9, eps=1e-5):
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
