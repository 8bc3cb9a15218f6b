"""AlexNet with torchvision's CONV1 padding of 2 on a 227 input: CONV1 gives 56x56, not 55x55."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.85
REPLACE = {"alexnet": [("nn.Conv2d(3, 96, 11, 4)", "nn.Conv2d(3, 96, 11, 4, 2)")]}
