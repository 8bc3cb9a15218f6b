"""Tampering: hands every exercise to torch (F.conv2d, F.cross_entropy and autograd), the references the tests
compare with."""

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
    "softmax_cross_entropy": _TORCH + '''
def softmax_cross_entropy(scores, y):
    s = torch.tensor(scores, requires_grad=True)
    loss = TF.cross_entropy(s, torch.tensor(y))
    loss.backward()
    return loss.item(), s.grad.numpy()
''',
    "convnet_loss_and_grads": _TORCH + '''
def convnet_loss_and_grads(params, x, y=None):
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    h = TF.max_pool2d(TF.relu(TF.conv2d(torch.tensor(x), t["w1"], t["b1"], padding=1)), 2)
    scores = h.flatten(1) @ t["w2"] + t["b2"]
    if y is None:
        return scores.detach().numpy()
    loss = TF.cross_entropy(scores, torch.tensor(y))
    loss.backward()
    return loss.item(), {k: v.grad.numpy() for k, v in t.items()}
''',
}
