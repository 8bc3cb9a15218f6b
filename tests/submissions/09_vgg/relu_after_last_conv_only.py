"""vgg_block puts one ReLU after the last conv only (conv -> conv -> ReLU -> pool), not after every conv."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.7
REPLACE = {"vgg_block": [("x = F.relu(conv(x))", "x = conv(x)"),
                         ("return F.max_pool2d(x, 2)", "return F.max_pool2d(F.relu(x), 2)")]}
