"""Hands the count to FlopCounterMode on a real nn.Conv2d instead of counting by hand."""

EXPECT = "partial"
MAX_FRACTION = 0.6
ANSWERS = {
    "conv2d_flops": '''
import torch
import torch.nn as nn
from torch.utils.flop_counter import FlopCounterMode

def conv2d_flops(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0, batch_size=1):
    h, w = as_pair(input_size)
    with torch.device("meta"), FlopCounterMode(display=False) as counter:
        nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding)(
            torch.empty(batch_size, in_channels, h, w))
    return counter.get_total_flops()
''',
    "count_parameters": '''
def count_parameters(model, trainable_only=False):
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
''',
    "activation_bytes": '''
import torch

def activation_bytes(model, x, layer_types=None):
    sizes = []
    def hook(module, inputs, output):
        sizes.append(output.numel() * output.element_size())
    if layer_types is None:
        chosen = [m for m in model.modules() if len(list(m.children())) == 0]
    else:
        chosen = [m for m in model.modules() if isinstance(m, layer_types)]
    handles = [m.register_forward_hook(hook) for m in chosen]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return sum(sizes)
''',
}
