"""Tampering: hands every NumPy exercise to torch.nn.functional, the reference the tests compare with."""

EXPECT = "zero"
_T = '''
import numpy as np
import torch
import torch.nn.functional as F

def _t(a):
    return None if a is None else torch.from_numpy(np.ascontiguousarray(a))
'''
ANSWERS = {
    "batch_norm": _T + '''
def batch_norm(x, running_mean, running_var, gamma, beta, training=False, momentum=0.1, eps=1e-5):
    rm, rv = _t(running_mean.copy()), _t(running_var.copy())
    out = F.batch_norm(_t(x), rm, rv, _t(gamma), _t(beta), training, momentum, eps)
    return out.numpy(), rm.numpy(), rv.numpy()
''',
    "batch_norm_backward": _T + '''
def batch_norm_backward(dout, x, gamma, eps=1e-5):
    xt, gt = _t(x).requires_grad_(), _t(gamma).requires_grad_()
    bt = torch.zeros_like(gt, requires_grad=True)
    F.batch_norm(xt, None, None, gt, bt, True, 0.1, eps).backward(_t(dout))
    return xt.grad.numpy(), gt.grad.numpy(), bt.grad.numpy()
''',
    "layer_norm": _T + '''
def layer_norm(x, normalized_shape, gamma, beta, eps=1e-5):
    return F.layer_norm(_t(x), normalized_shape, _t(gamma), _t(beta), eps).numpy()
''',
    "instance_norm": _T + '''
def instance_norm(x, *, gamma, beta, eps=1e-5):
    return F.instance_norm(_t(x), weight=_t(gamma), bias=_t(beta), eps=eps).numpy()
''',
    "group_norm": _T + '''
def group_norm(x, num_groups, gamma, beta, eps=1e-5):
    return F.group_norm(_t(x), num_groups, _t(gamma), _t(beta), eps).numpy()
''',
    "fold_batchnorm": _T + '''
def fold_batchnorm(w, b, gamma, beta, running_mean, running_var, eps=1e-5):
    scale = _t(gamma) / torch.sqrt(_t(running_var) + eps)
    bias = torch.zeros_like(scale) if b is None else _t(b)
    return (_t(w) * scale[:, None, None, None]).numpy(), '''
    '''((bias - _t(running_mean)) * scale + _t(beta)).numpy()
''',
}
