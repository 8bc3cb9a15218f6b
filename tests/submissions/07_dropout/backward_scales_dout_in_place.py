"""dropout_backward works in dout's memory (dout *= mask; dout /= 1 - p) and returns it: right values,
but the caller's upstream gradient is changed."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 9 / 11
ANSWERS = {"dropout_backward": '''
import numpy as np

def dropout_backward(dout, mask, p):
    dout *= mask
    dout /= 1 - p
    return dout
'''}
