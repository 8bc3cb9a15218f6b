"""p treated as the KEEP probability (TensorFlow 1's keep_prob), consistently in both passes."""

EXPECT = "partial"
MAX_FRACTION = 0.5
ANSWERS = {
    "dropout": '''
import numpy as np

def dropout(x, p, training, rng):
    if not training:
        return x, None
    mask = rng.random(x.shape) < p
    return x * mask / p, mask
''',
    "dropout_backward": '''
def dropout_backward(dout, mask, p):
    return dout * mask / p
''',
}
