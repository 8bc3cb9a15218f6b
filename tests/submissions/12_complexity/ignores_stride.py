"""Handles padding but ignores the stride when computing the output size."""

EXPECT = "partial"
BASED_ON = "alternative"  # every other answer: correct
MAX_FRACTION = 0.67
ANSWERS = {
    "conv2d_flops": '''
def conv2d_flops(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0, batch_size=1):
    (kh, kw), (h, w), (ph, pw) = as_pair(kernel_size), as_pair(input_size), as_pair(padding)
    out_h, out_w = h + 2 * ph - kh + 1, w + 2 * pw - kw + 1
    return 2 * batch_size * out_channels * out_h * out_w * in_channels * kh * kw
''',
}
