"""vgg_block forgets the ReLU after each conv: the block is linear until the pool."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.6
REPLACE = {"vgg_block": [("x = F.relu(conv(x))", "x = conv(x)")]}
