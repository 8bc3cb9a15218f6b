"""conv_output_size takes the effective filter size as dilation * kernel_size instead of
dilation * (kernel_size - 1) + 1."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 16 / 18
ANSWERS = {"conv_output_size": '''
def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    effective = dilation * kernel_size
    padded = n + 2 * padding
    if effective > padded:
        raise ValueError(f"effective filter {effective} is larger than the padded input {padded}")
    if (padded - effective) % stride != 0:
        raise ValueError(f"({n} + 2*{padding} - {effective}) / {stride} + 1 is not an integer: "
                         "the filter doesn't fit")
    return (padded - effective) // stride + 1
'''}
