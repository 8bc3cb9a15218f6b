"""vgg_block pools after every conv instead of once at the end of the block."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.5
REPLACE = {
    "vgg_block": [("x = F.relu(conv(x))", "x = F.max_pool2d(F.relu(conv(x)), 2)"),
                  ("return F.max_pool2d(x, 2)", "return x")],
}
