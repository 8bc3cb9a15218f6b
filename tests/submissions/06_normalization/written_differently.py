"""Correct, written nothing like the reference: channel-first matrices, a staged backward, loops,
the closed-form backward with means, answers in another valid format."""

EXPECT = "full"
ANSWERS = {
    "batch_norm": '''
import numpy as np

def batch_norm(x, running_mean, running_var, gamma, beta, training=False, momentum=0.1, eps=1e-5):
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
    "batch_norm_backward": '''
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
    dgamma = (dy * xhat).sum(axis=0)
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
    "layer_norm": '''
import numpy as np

def layer_norm(x, normalized_shape, gamma, beta, eps=1e-5):
    # One row per index of the leading axes, the normalized trailing axes flattened into each row.
    flat = x.reshape(x.shape[:x.ndim - len(normalized_shape)] + (-1,))
    mu = flat.mean(axis=-1, keepdims=True)
    sd = np.sqrt(flat.var(axis=-1, keepdims=True) + eps)
    return ((flat - mu) / sd).reshape(x.shape) * gamma + beta
''',
    "instance_norm": '''
import numpy as np

def instance_norm(x, *, gamma, beta, eps=1e-5):
    out = np.empty(x.shape)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            plane = x[n, c]
            out[n, c] = gamma[c] * (plane - plane.mean()) / np.sqrt(plane.var() + eps) + beta[c]
    return out
''',
    "group_norm": '''
import numpy as np

def group_norm(x, num_groups, gamma, beta, eps=1e-5):
    out = np.empty(x.shape)
    size = x.shape[1] // num_groups
    for n in range(x.shape[0]):
        for g in range(num_groups):
            block = x[n, g * size:(g + 1) * size]
            out[n, g * size:(g + 1) * size] = (block - block.mean()) / np.sqrt(block.var() + eps)
    return out * gamma.reshape(1, -1, 1, 1) + beta.reshape(1, -1, 1, 1)
''',
    "fold_batchnorm": '''
import numpy as np

def fold_batchnorm(w, b, gamma, beta, running_mean, running_var, eps=1e-5):
    inv_std = 1.0 / np.sqrt(running_var + eps)
    w_folded = np.einsum("f,fchw->fchw", gamma * inv_std, w)
    b_folded = beta - gamma * running_mean * inv_std
    if b is not None:
        b_folded = b_folded + gamma * inv_std * b
    return w_folded, b_folded
''',
    "batch_norm_backward_alt": '''
import numpy as np

def batch_norm_backward_alt(dout, x, gamma, eps=1e-5):
    # The closed form written with means: dx = gamma * r * (dy - mean(dy) - x_hat * mean(dy * x_hat)).
    axes = tuple(a for a in range(x.ndim) if a != 1)
    g = gamma.reshape([-1 if a == 1 else 1 for a in range(x.ndim)])
    r = 1.0 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    x_hat = (x - x.mean(axis=axes, keepdims=True)) * r
    dx = g * r * (dout - dout.mean(axis=axes, keepdims=True)
                  - x_hat * (dout * x_hat).mean(axis=axes, keepdims=True))
    return dx, (dout * x_hat).sum(axis=axes), dout.sum(axis=axes)
''',
    "answer_bn_bias": 'answer_bn_bias = "B"  # the batch mean contains the bias',
    "answer_gn_axes": "answer_gn_axes = ' b '",
    "answer_gn_count": "answer_gn_count = (32 / 8) * 7 * 7",
}
