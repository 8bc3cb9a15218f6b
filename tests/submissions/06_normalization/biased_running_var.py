"""The running variance is updated with the biased batch variance (divide by m, not m - 1)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 22.5 / 27   # loses at least 5 of the 27 points
REPLACE = {"batch_norm": [("columns.var(axis=0, ddof=1)", "var")]}
