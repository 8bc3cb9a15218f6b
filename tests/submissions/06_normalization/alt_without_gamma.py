"""The one-line dx is written with dL/dy where dL/dx_hat = gamma * dL/dy belongs: gamma is missing."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 25.5 / 27
REPLACE = {"batch_norm_backward_alt": [("dx = g * r * (", "dx = r * (")]}
