"""dropout_backward scales the gradient but forgets the mask: dx = dout / (1 - p), so dropped units get a
gradient."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"dropout_backward": [("dout * mask.astype(dout.dtype) / (1.0 - p)", "dout / (1.0 - p)")]}
