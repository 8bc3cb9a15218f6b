"""Mistake: the fast backward accumulates dw in np.zeros(w.shape), float64 whatever the input: float32 in,
float64 dw out."""

BASED_ON = "backward_fast_index_arrays"
EXPECT = "partial"
MAX_FRACTION = 22.5 / 24   # loses test_conv2d_backward_fast_stride_padding
REPLACE = {"conv2d_backward_fast": [("    dw = np.einsum",
                                   "    dw = np.zeros(w.shape)\n    dw += np.einsum")]}
