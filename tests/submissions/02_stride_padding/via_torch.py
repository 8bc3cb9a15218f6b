"""Tampering: hands every exercise to torch (F.conv2d, nn.Conv2d, autograd), the reference the tests use."""

EXPECT = "zero"
ANSWERS = {
    "conv_output_size": '''
import torch
import torch.nn.functional as F

def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    out = F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, kernel_size, kernel_size), stride=stride,
                   padding=padding, dilation=dilation)
    if (n + 2 * padding - dilation * (kernel_size - 1) - 1) % stride:
        raise ValueError("doesn't fit")
    return out.shape[-1]
''',
    "conv2d": '''
import torch
import torch.nn.functional as F

def conv2d(x, w, b=None, stride=1, padding=0):
    bias = None if b is None else torch.from_numpy(b)
    return F.conv2d(torch.from_numpy(x), torch.from_numpy(w), bias, stride=stride, padding=padding).numpy()
''',
    "conv2d_param_count": '''
import torch.nn as nn

def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
    return sum(p.numel() for p in nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias).parameters())
''',
    "receptive_field": '''
import torch
import torch.nn.functional as F

def receptive_field(layers):
    x = torch.zeros(1, 1, 500, 1, requires_grad=True)
    h = x
    for layer in layers:
        d = layer[2] if len(layer) > 2 else 1
        h = F.conv2d(h, torch.ones(1, 1, layer[0], 1), stride=(layer[1], 1), dilation=(d, 1))
    h[0, 0, h.shape[2] // 2, 0].backward()
    seen = x.grad[0, 0, :, 0].nonzero()
    return int(seen[-1] - seen[0] + 1)
''',
}
