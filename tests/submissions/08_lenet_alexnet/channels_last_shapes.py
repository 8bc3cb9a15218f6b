"""alexnet_shapes writes shapes as the slide does, (H, W, C) = (55, 55, 96), not channel first."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {
    "alexnet_shapes": [("return [(name, shape, np.int64(params))",
                        "return [(name, shape[::-1], np.int64(params))")],
}
