"""softmax_cross_entropy exponentiates the raw scores (no row maximum subtracted): right for small scores,
inf / nan for scores in the thousands."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 0.97
ANSWERS = {
    "softmax_cross_entropy": '''
import numpy as np

def softmax_cross_entropy(scores, y):
    exp = np.exp(scores)
    probs = exp / exp.sum(axis=1, keepdims=True)
    n = len(y)
    loss = -np.log(probs[np.arange(n), y]).mean()
    dscores = probs.copy()
    dscores[np.arange(n), y] -= 1
    return loss, dscores / n
''',
}
