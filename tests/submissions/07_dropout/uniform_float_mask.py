"""Correct, written differently: rng.uniform(size=...) with a float 0/1 mask, the output by multiplication."""

EXPECT = "full"
BASED_ON = "written_differently"
ANSWERS = {
    "dropout": '''
import numpy as np

def dropout(x, p, training, rng):
    if not training:
        return x, None
    mask = (rng.uniform(0.0, 1.0, size=x.shape) >= p).astype(x.dtype)
    return x * mask / (1 - p), mask
''',
    "dropout_backward": '''
def dropout_backward(dout, mask, p):
    return dout * mask / (1 - p)
''',
}
