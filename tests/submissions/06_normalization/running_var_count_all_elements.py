"""The running variance's unbiased correction m / (m - 1) counts every element of x (m = x.size) instead of
the values per feature (x.size // C)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 22 / 27   # loses both running-variance tests (features and spatial)
REPLACE = {"batch_norm": [("columns.var(axis=0, ddof=1)", "columns.var(axis=0) * x.size / (x.size - 1)")]}
