"""The projection shortcut is a 3x3 convolution with padding 1 and the stride (same output shape)
instead of a 1x1 convolution."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.85
REPLACE = {"basic_block": [("kernel_size=1, stride=stride, bias=False",
                            "kernel_size=3, stride=stride, padding=1, bias=False")]}
