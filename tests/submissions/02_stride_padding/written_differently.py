"""Correct, but written nothing like the reference: divmod, a strided windows view with einsum,
np.prod for the parameter count, and the receptive field computed from the output back down."""

EXPECT = "full"
ANSWERS = {
    "conv_output_size": '''
def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    span = dilation * (kernel_size - 1) + 1
    steps, leftover = divmod(n + 2 * padding - span, stride)
    if steps < 0:
        raise ValueError("filter larger than the padded input")
    if leftover:
        raise ValueError(f"stride {stride} leaves {leftover} pixel(s) over: the filter doesn't fit")
    return steps + 1
''',
    "conv2d": '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

def conv2d(x, w, b=None, stride=1, padding=0):
    p = padding
    xp = np.pad(x, [(0, 0), (0, 0), (p, p), (p, p)])
    windows = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    out = np.einsum("nchwij,fcij->nfhw", windows, w)
    if b is not None:
        out = out + np.asarray(b)[None, :, None, None]
    return out
''',
    "conv2d_param_count": '''
import numpy as np

def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
    kernel = np.broadcast_to(np.asarray(kernel_size), (2,))
    return int(np.prod(kernel)) * in_channels * out_channels + int(bias) * out_channels
''',
    "receptive_field": '''
def receptive_field(layers):
    size = 1                                   # one unit of the last layer
    for layer in reversed(layers):
        k, s, *rest = layer
        d = rest[0] if rest else 1
        size = (size - 1) * s + d * (k - 1) + 1  # units of the layer below that it covers
    return size
''',
    "answer_output_size": "answer_output_size = 55\n",
    "answer_multiplies": "answer_multiplies = 768_000\n",
    "answer_layers_for_15": "answer_layers_for_15 = 7\n",
}
