"""Correct, written differently: the documented draw through a complement, multiplications, \
a copy in test mode."""

EXPECT = "full"
ANSWERS = {
    "dropout": '''
import numpy as np

def dropout(x, p, training, rng):
    if training:
        u = rng.random(size=np.shape(x))
        mask = ~(u < p)
        scale = 1.0 / (1.0 - p)
        return x * mask * scale, mask
    return np.array(x, copy=True), None
''',
    "dropout_backward": '''
import numpy as np

def dropout_backward(dout, mask, p):
    return dout * mask.astype(dout.dtype) / (1.0 - p)
''',
}
