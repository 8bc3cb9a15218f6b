"""Mistake: softmax_cross_entropy forgets the mean and returns the per-image losses (an array of shape (N,))
as the loss; dscores is right."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 22.5 / 24   # loses the loss and large-scores tests
ANSWERS = {
    "softmax_cross_entropy": '''
import numpy as np


def softmax_cross_entropy(scores, y):
    N = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    probs = e / e.sum(axis=1, keepdims=True)
    y_col = np.asarray(y).reshape(N, 1)
    log_z = np.log(e.sum(axis=1))
    correct = np.take_along_axis(shifted, y_col, axis=1)[:, 0]
    loss = log_z - correct
    dscores = probs.copy()
    np.put_along_axis(dscores, y_col, np.take_along_axis(probs, y_col, axis=1) - 1.0, axis=1)
    dscores /= N
    return loss, dscores
''',
}
