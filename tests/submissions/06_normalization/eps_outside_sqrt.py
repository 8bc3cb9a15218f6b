"""eps added outside the square root: (x - mean) / (sqrt(var) + eps) instead of / sqrt(var + eps)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 20.5 / 27   # loses the train, eval and spatial tests (7 points)
REPLACE = {"batch_norm": [("(columns - mu) / np.sqrt(var + eps)", "(columns - mu) / (np.sqrt(var) + eps)")]}
