"""conv3d_output_shape adds the padding once, (n + P - K) // S + 1, instead of 2P (both ends)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_written_differently", Path(__file__).with_name("written_differently.py"))
_base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_base)

EXPECT = "partial"
MAX_FRACTION = 0.92
ANSWERS = {**_base.ANSWERS, "conv3d_output_shape": '''
def conv3d_output_shape(input_shape, out_channels, kernel_size, stride=1, padding=0):
    triple = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v, v, v)
    N, C, D, H, W = input_shape
    sizes = [(n + p - k) // s + 1 for n, k, s, p in zip((D, H, W), triple(kernel_size), triple(stride), triple(padding))]
    return (N, out_channels, *sizes)
'''}
