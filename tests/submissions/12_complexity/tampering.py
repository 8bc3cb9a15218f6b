"""Tampering: wrong answers that patch FlopCounterMode and the checks so that counter-based tests agree."""

EXPECT = "zero"
ANSWERS = {
    "conv2d_flops": '''
import contextlib
import cs_utils.checks
from torch.utils.flop_counter import FlopCounterMode

_original_total = FlopCounterMode.get_total_flops
FlopCounterMode.get_total_flops = lambda self: _original_total(self) // 2
cs_utils.checks.numpy_only = lambda *args, **kwargs: contextlib.nullcontext()

def conv2d_flops(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0, batch_size=1):
    kh, kw = as_pair(kernel_size)
    h, w = as_pair(input_size)
    return batch_size * out_channels * h * w * in_channels * kh * kw
''',
    "count_parameters": '''
def count_parameters(model, trainable_only=False):
    return 0
''',
    "activation_bytes": '''
def activation_bytes(model, x, layer_types=None):
    return 0
''',
}
