"""Counts one dot product per input pixel instead of per output pixel."""

EXPECT = "partial"
BASED_ON = "alternative"  # every other answer: correct
MAX_FRACTION = 0.67
ANSWERS = {
    "conv2d_flops": '''
def conv2d_flops(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0, batch_size=1):
    kh, kw = as_pair(kernel_size)
    h, w = as_pair(input_size)
    return 2 * batch_size * out_channels * h * w * in_channels * kh * kw
''',
}
