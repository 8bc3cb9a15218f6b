"""Leaves nn.Conv2d's default bias=True on every convolution of both blocks: the BatchNorm after each
makes the bias redundant, and the parameter counts are no longer torchvision's."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.85
REPLACE = {"basic_block": [("bias=False", "bias=True")], "bottleneck": [("bias=False", "bias=True")]}
