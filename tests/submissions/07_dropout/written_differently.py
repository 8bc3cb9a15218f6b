"""Correct, written differently: the documented draw through a complement, multiplications, \
a copy in test mode; the answers to the questions in another valid format."""

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
    "answer_test_output": "answer_test_output = 3  # test mode is the identity",
    "answer_dropout_place": "answer_dropout_place = 'B'",
    "answer_dropout2d_draws": "answer_dropout2d_draws = float(8 * 16)",
}
