"""dgamma = sum(dout * x) instead of sum(dout * x_hat) (gamma multiplies x_hat, not x)."""

BASED_ON = "written_differently"
EXPECT = "partial"
REPLACE = {"batch_norm_backward": [("dgamma = (dy * xhat).sum(axis=0)", "dgamma = (dy * xc).sum(axis=0)")]}
