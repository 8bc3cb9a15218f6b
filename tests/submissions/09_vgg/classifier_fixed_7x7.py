"""VGG's first FC layer hard-codes the 7x7 map of a 224 input instead of image_size // 2 ** len(config)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.5
REPLACE = {"vgg": [("chans[-1] * side * side", "chans[-1] * 7 * 7")]}
