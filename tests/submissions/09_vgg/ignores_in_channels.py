"""VGG's first block always takes 3 channels (RGB) and ignores in_channels."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.8
REPLACE = {"vgg": [("chans = [in_channels] + ", "chans = [3] + ")]}
