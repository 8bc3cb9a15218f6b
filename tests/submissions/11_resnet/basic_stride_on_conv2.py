"""BasicBlock strides in conv2 instead of conv1: the same shapes and parameters, another function."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"basic_block": [
    ("(3, 3), (stride, stride), (1, 1), bias=False)", "(3, 3), (1, 1), (1, 1), bias=False)"),
    ("(3, 3), padding=(1, 1), bias=False)", "(3, 3), stride, padding=(1, 1), bias=False)")]}
