"""db summed over the spatial axes only, not over the batch: shape (N, F) instead of (F,)."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 0.8
REPLACE = {
    "conv2d_backward": [("dout.sum(axis=(0, 2, 3))", "dout.sum(axis=(2, 3))")],
    "conv2d_backward_fast": [('"nfhw->f"', '"nfhw->nf"')],
}
