"""The Inception module built from the student's own conv -> BatchNorm bricks, with the ReLU forgotten:
shapes, parameter count and each branch's reach are right (with positive weights a ReLU changes
nothing), only the values are not."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.875
REPLACE = {"inception": [(", nn.BatchNorm2d(c_out), nn.ReLU()]", ", nn.BatchNorm2d(c_out)]")]}
