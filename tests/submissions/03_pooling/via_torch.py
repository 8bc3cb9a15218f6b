"""Tampering: hands every exercise to torch (F.max_pool2d, F.avg_pool2d and autograd)."""

EXPECT = "zero"
_POOL = '''
import torch
import torch.nn.functional as F

def {name}(x, kernel_size, stride=None):
    return F.{name}(torch.from_numpy(x), kernel_size, stride).numpy()
'''
_BACKWARD = '''
import torch
import torch.nn.functional as F

def {name}_backward(dout, x, kernel_size, stride=None):
    xt = torch.tensor(x, requires_grad=True)
    F.{name}(xt, kernel_size, stride).backward(torch.from_numpy(dout))
    return xt.grad.numpy()
'''
ANSWERS = {}
for _name in ["max_pool2d", "avg_pool2d"]:
    ANSWERS[_name] = _POOL.format(name=_name)
    ANSWERS[_name + "_backward"] = _BACKWARD.format(name=_name)
