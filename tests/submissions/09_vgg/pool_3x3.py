"""vgg_block pools with AlexNet's overlapping 3x3 window, stride 2, padding 1 (the habit from notebook 08)
instead of 2x2 at stride 2: the same size on even maps, one more on odd ones."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.4
REPLACE = {"vgg_block": [("return F.max_pool2d(x, 2)", "return F.max_pool2d(x, 3, stride=2, padding=1)")]}
