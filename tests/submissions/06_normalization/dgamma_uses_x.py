"""dgamma = sum(dout * x) instead of sum(dout * x_hat) (gamma multiplies x_hat, not x)."""

BASED_ON = "written_differently"
EXPECT = "partial"
ANSWERS = {
    "batch_norm_backward": r'''
import numpy as np

def batch_norm_backward(dout, x, gamma, eps=1e-5):
    # CS231n's staged computational graph on (m, C) columns.
    C = x.shape[1]
    to_columns = lambda a: np.moveaxis(a, 1, -1).reshape(-1, C)
    xc, dy = to_columns(x), to_columns(dout)
    m = xc.shape[0]
    mu = xc.sum(axis=0) / m
    xmu = xc - mu
    var = (xmu ** 2).sum(axis=0) / m
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    dbeta = dy.sum(axis=0)
    dgamma = (dy * xc).sum(axis=0)
    dxhat = dy * gamma
    divar = (dxhat * xmu).sum(axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -divar / sqrtvar ** 2
    dvar = 0.5 * dsqrtvar / sqrtvar
    dsq = np.ones_like(xc) * dvar / m
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -dx1.sum(axis=0)
    dx2 = np.ones_like(xc) * dmu / m
    dxc = dx1 + dx2
    dx = np.moveaxis(dxc.reshape(np.moveaxis(x, 1, -1).shape), -1, 1)
    return dx, dgamma, dbeta
''',
}
