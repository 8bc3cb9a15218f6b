"""alexnet_shapes forgets the + 1 in (N - F + 2P)/S + 1: every size is one too small (CONV1 54x54)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.8
REPLACE = {"alexnet_shapes": [("/ s) + 1", "/ s)")]}
