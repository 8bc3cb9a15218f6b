"""The mask is drawn from normal numbers (rng.standard_normal(x.shape) > p) instead of uniform ones."""

EXPECT = "partial"
MAX_FRACTION = 0.5
ANSWERS = {
    "dropout": '''
import numpy as np

def dropout(x, p, training, rng):
    if not training:
        return x, None
    mask = rng.standard_normal(x.shape) > p
    return x * mask / (1 - p), mask
''',
    "dropout_backward": '''
def dropout_backward(dout, mask, p):
    return dout * mask / (1 - p)
''',
}
