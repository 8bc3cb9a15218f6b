"""The backward pass normalizes with the unbiased variance (ddof=1), not the forward pass's biased one."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 25.5 / 27
REPLACE = {"batch_norm_backward_alt": [
    ("x.var(axis=axes, keepdims=True)", "x.var(axis=axes, ddof=1, keepdims=True)"),
]}
