"""The loss is the mean over the batch, but dscores is not divided by N (the gradient of the sum)."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {
    "softmax_cross_entropy": [("(probs - one_hot) / scores.shape[0]", "probs - one_hot")],
}
