"""alexnet_shapes counts only the weights (CONV1 34,848 instead of 34,944): the biases are forgotten."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {
    "alexnet_shapes": [(" + 96]", "]"), (" + 256]", "]"), (" + 384]", "]"), (" + 4096]", "]"),
                       (" + num_classes]", "]")],
}
