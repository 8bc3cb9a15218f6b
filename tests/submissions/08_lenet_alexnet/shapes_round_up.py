"""alexnet_shapes rounds each output size up (math.ceil) instead of down: right at 227, where every
division is exact, wrong at 224."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.8
REPLACE = {"alexnet_shapes": [("math.floor(", "math.ceil(")]}
