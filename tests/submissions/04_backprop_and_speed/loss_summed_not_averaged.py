"""softmax_cross_entropy forgets to divide by N: the loss is the sum over the batch, not the mean, and
dscores is the gradient of that sum (N times too large)."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {
    "softmax_cross_entropy": [
        ("loss = np.mean(logsumexp", "loss = np.sum(logsumexp"),
        ("(probs - one_hot) / scores.shape[0]", "probs - one_hot"),
    ],
}
