"""AlexNet's dropout as F.dropout(x, self.p) without training=self.training: F.dropout defaults to
training=True, so eval mode still drops."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"alexnet": [("F.dropout(x, self.p, self.training)", "F.dropout(x, self.p)")]}
