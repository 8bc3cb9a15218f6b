"""Inverted dropout in the forward pass, but the backward pass forgets the 1 / (1 - p): dx = dout * mask."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 9 / 11
ANSWERS = {"dropout_backward": '''
def dropout_backward(dout, mask, p):
    return dout * mask
'''}
