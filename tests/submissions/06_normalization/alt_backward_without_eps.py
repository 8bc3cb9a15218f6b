"""The one-line backward pass recomputes the standard deviation without eps: sqrt(var)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 25.5 / 27   # loses the batch_norm_backward_alt test (2 points)
REPLACE = {"batch_norm_backward_alt": [("np.sqrt(x.var(axis=axes, keepdims=True) + eps)",
                                        "np.sqrt(x.var(axis=axes, keepdims=True))")]}
