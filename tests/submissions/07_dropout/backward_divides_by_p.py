"""The forward pass is right, but the backward pass divides by p instead of the keep probability 1 - p."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"dropout_backward": [("dout * mask.astype(dout.dtype) / (1.0 - p)",
                                 "dout * mask.astype(dout.dtype) / p")]}
