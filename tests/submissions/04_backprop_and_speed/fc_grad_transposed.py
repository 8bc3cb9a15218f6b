"""The FC layer's weight gradient is computed as dscores.T @ h, shape (K, D) instead of w2's (D, K)."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 0.95
REPLACE = {
    "convnet_loss_and_grads": [('np.einsum("ni,nk->ik", h, d_scores)', "d_scores.T @ h")],
}
