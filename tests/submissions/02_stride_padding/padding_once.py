"""conv_output_size adds the padding once (n + padding) instead of on both sides (n + 2 * padding)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 16 / 18
ANSWERS = {"conv_output_size": '''
def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    effective = dilation * (kernel_size - 1) + 1
    padded = n + padding
    if effective > padded:
        raise ValueError(f"effective filter {effective} is larger than the padded input {padded}")
    if (padded - effective) % stride != 0:
        raise ValueError(f"({n} + 2*{padding} - {effective}) / {stride} + 1 is not an integer: "
                         "the filter doesn't fit")
    return (padded - effective) // stride + 1
'''}
