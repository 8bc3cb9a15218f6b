"""resnet never passes num_classes on to ResNet: the network always has 1000 outputs."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.85
REPLACE = {"resnet": [("ResNet(block, list(layers), num_classes, tuple(",
                       "ResNet(block, list(layers), widths=tuple("),
                      ("for i in range(4)), stem)", "for i in range(4)), stem=stem)")]}
