"""The bottleneck's 3x3 conv2 without padding=1: the branch shrinks the map by 2 and no longer matches the
shortcut."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"bottleneck": [("kernels[i] // 2, bias=False", "0, bias=False")]}
