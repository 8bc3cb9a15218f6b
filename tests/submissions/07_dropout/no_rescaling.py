"""Plain (not inverted) dropout: the survivors are not divided by 1 - p, in the forward or backward pass."""

EXPECT = "partial"
MAX_FRACTION = 0.6
ANSWERS = {
    "dropout": '''
import numpy as np

def dropout(x, p, training, rng):
    if not training:
        return x, None
    mask = rng.random(x.shape) >= p
    return x * mask, mask
''',
    "dropout_backward": '''
def dropout_backward(dout, mask, p):
    return dout * mask
''',
}
