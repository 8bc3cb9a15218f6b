"""AlexNet that hard-codes dropout 0.5 and ignores its dropout argument."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"alexnet": [("F.dropout(x, self.p, self.training)", "F.dropout(x, 0.5, self.training)")]}
