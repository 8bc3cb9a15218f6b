"""vgg_block's convs built with bias=False (as in BatchNorm networks): parameter counts fall short."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.6
REPLACE = {"vgg_block": [("padding=(1, 1))", "padding=(1, 1), bias=False)")]}
