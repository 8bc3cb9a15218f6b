"""A wrong softmax gradient: dscores = probs / N, forgetting the -1 that the -s[n, y_n] term gives
at the true class."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {
    "softmax_cross_entropy": [("(probs - one_hot) / scores.shape[0]", "probs / scores.shape[0]")],
}
