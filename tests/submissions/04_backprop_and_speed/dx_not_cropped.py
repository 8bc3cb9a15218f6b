"""Forgets to crop the padding: dx comes back with the padded input's shape (naive and fast)."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 0.8
REPLACE = {
    "conv2d_backward": [("[:, :, padding:padding + H, padding:padding + W]", "")],
    "conv2d_backward_fast": [("[:, :, padding:padding + H, padding:padding + W]", "")],
}
