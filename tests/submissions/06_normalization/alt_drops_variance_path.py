"""The one-line dx keeps the path through the mean but forgets the one through the variance
(no x_hat term)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 25.5 / 27
REPLACE = {"batch_norm_backward_alt": [(
    "- x_hat * (dout * x_hat).mean(axis=axes, keepdims=True))", ")")]}
