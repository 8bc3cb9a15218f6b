"""The one-line dx sums over the batch axis only: right for (N, D), wrong for (N, C, H, W) (spatial BN)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 25.5 / 27
ANSWERS = {
    "batch_norm_backward_alt": '''
import numpy as np

def batch_norm_backward_alt(dout, x, gamma, eps=1e-5):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    m = x.shape[0]
    r = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * r
    dx_hat = dout * gamma.reshape(shape)
    dx = r / m * (m * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    axes = (0,) + tuple(range(2, x.ndim))
    return dx, (dout * x_hat).sum(axis=axes), dout.sum(axis=axes)
''',
}
