"""Mistake: picks the true-class scores with scores[:, y] (an (N, N) block: every image's score at every
label) instead of scores[np.arange(N), y], in the loss and in dscores."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 20.5 / 24   # loses the three softmax tests
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
    correct = shifted[:, y]
    loss = float(np.mean(log_z - correct))
    dscores = probs.copy()
    dscores[:, y] -= 1.0
    dscores /= N
    return loss, dscores
''',
}
