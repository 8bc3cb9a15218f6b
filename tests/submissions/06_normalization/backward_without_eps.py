"""The staged backward pass recomputes the standard deviation without eps: sqrt(var)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 23.5 / 27   # loses both batch_norm_backward tests (4 points)
REPLACE = {"batch_norm_backward": [("sqrtvar = np.sqrt(var + eps)", "sqrtvar = np.sqrt(var)")]}
