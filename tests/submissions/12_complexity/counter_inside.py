"""Hands the count to FlopCounterMode on a real nn.Conv2d instead of counting by hand."""

EXPECT = "partial"
BASED_ON = "alternative"  # every other answer: correct
MAX_FRACTION = 0.67
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
}
