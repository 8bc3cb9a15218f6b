"""Tampering: hands every exercise to torch (F.conv2d and autograd), the reference the tests compare with."""

EXPECT = "zero"
_TORCH = '''
import numpy as np
import torch
import torch.nn.functional as TF

def _grads(dout, x, w, stride, padding):
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    bt = torch.zeros(w.shape[0], dtype=wt.dtype, requires_grad=True)
    TF.conv2d(xt, wt, bt, stride=stride, padding=padding).backward(torch.tensor(dout))
    return xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()
'''
ANSWERS = {
    "conv2d_backward": _TORCH + '''
def conv2d_backward(dout, x, w, stride=1, padding=0):
    return _grads(dout, x, w, stride, padding)
''',
    "conv2d_fast": _TORCH + '''
def conv2d_fast(x, w, b=None, stride=1, padding=0):
    bias = None if b is None else torch.from_numpy(b)
    return TF.conv2d(torch.from_numpy(x), torch.from_numpy(w), bias, stride=stride, padding=padding).numpy()
''',
    "conv2d_backward_fast": _TORCH + '''
def conv2d_backward_fast(dout, x, w, stride=1, padding=0):
    return _grads(dout, x, w, stride, padding)
''',
}
