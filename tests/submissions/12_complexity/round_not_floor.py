"""conv2d_flops rounds the output size with round() (to nearest, half to even) instead of flooring:
right whenever the division is exact or the remainder is small."""

EXPECT = "partial"
BASED_ON = "alternative"  # every other answer: correct
MAX_FRACTION = 0.9
ANSWERS = {
    "conv2d_flops": '''
def conv2d_flops(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0, batch_size=1):
    (kh, kw), (h, w) = as_pair(kernel_size), as_pair(input_size)
    (sh, sw), (ph, pw) = as_pair(stride), as_pair(padding)
    out_h = round((h + 2 * ph - kh) / sh) + 1
    out_w = round((w + 2 * pw - kw) / sw) + 1
    outputs = batch_size * out_channels * out_h * out_w
    return 2 * outputs * (kh * kw * in_channels)
''',
}
