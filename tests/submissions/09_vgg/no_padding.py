"""vgg_block's 3x3 convs without padding=1: every conv shrinks the map by 2."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.5
REPLACE = {"vgg_block": [("padding=(1, 1)", "padding=0")]}
