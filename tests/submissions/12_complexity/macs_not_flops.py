"""Counts multiply-accumulates (MACs) where FLOPs are asked: half the counter's number."""

EXPECT = "partial"
BASED_ON = "alternative"  # every other answer: correct
MAX_FRACTION = 0.67
ANSWERS = {
    "conv2d_flops": '''
def conv2d_flops(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0, batch_size=1):
    (kh, kw), (h, w) = as_pair(kernel_size), as_pair(input_size)
    (sh, sw), (ph, pw) = as_pair(stride), as_pair(padding)
    out_h = (h + 2 * ph - kh) // sh + 1
    out_w = (w + 2 * pw - kw) // sw + 1
    return batch_size * out_channels * out_h * out_w * in_channels * kh * kw
''',
}
