"""conv_output_size floors like PyTorch instead of raising when the filter doesn't fit \
(7x7, 3x3, stride 3)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = (0.9 * 15 + 3) / 18  # as before the 3 question points, which it answers
ANSWERS = {
    "conv_output_size": '''
def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    return (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
''',
}
