"""Hard-codes ImageNet's widths (64, 128, 256, 512) and ignores the width argument."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.95
REPLACE = {"resnet": [("tuple(width * 2 ** i for i in range(4))", "(64, 128, 256, 512)")]}
