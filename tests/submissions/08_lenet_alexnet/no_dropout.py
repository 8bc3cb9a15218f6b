"""AlexNet that accepts a dropout argument but never applies dropout."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"alexnet": [("F.dropout(x, self.p, self.training)", "x")]}
