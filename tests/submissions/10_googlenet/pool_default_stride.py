"""The pool branch's nn.MaxPool2d(3, padding=1) without stride=1: the stride defaults to the kernel size, 3,
so the pool branch shrinks the map and the concatenation fails."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.85
REPLACE = {"inception": [("nn.MaxPool2d(kernel_size=3, stride=1, padding=1)", "nn.MaxPool2d(3, padding=1)")]}
