"""Correct, written differently: explicit tuple handling, math.floor, a global hook, nbytes."""

EXPECT = "full"
ANSWERS = {
    "conv2d_flops": '''
import math

def conv2d_flops(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0, batch_size=1):
    def two(v):
        return tuple(v) if isinstance(v, (tuple, list)) else (v, v)
    sizes = [math.floor((n + 2 * p - k) / s) + 1
             for n, k, s, p in zip(two(input_size), two(kernel_size), two(stride), two(padding))]
    macs = batch_size * out_channels * sizes[0] * sizes[1] * in_channels * math.prod(two(kernel_size))
    return int(macs * 2)
''',
    "count_parameters": '''
import torch

def count_parameters(model, trainable_only=False):
    seen = {}
    for name, p in model.named_parameters():
        if trainable_only and not p.requires_grad:
            continue
        seen[id(p)] = p.numel()
    return int(sum(seen.values()))
''',
    "activation_bytes": '''
import torch
from torch.nn.modules.module import register_module_forward_hook

def activation_bytes(model, x, layer_types=None):
    if layer_types is None:
        wanted = {id(m) for m in model.modules() if not list(m.children())}
    else:
        wanted = {id(m) for m in model.modules() if isinstance(m, tuple(layer_types))}
    total = [0]
    def hook(module, inputs, output):
        if id(module) in wanted and isinstance(output, torch.Tensor):
            total[0] += output.nbytes
    handle = register_module_forward_hook(hook)
    try:
        with torch.inference_mode():
            model(x)
    finally:
        handle.remove()
    return total[0]
''',
}
