"""Normalizes with the unbiased batch variance (ddof=1); the running variance is right."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 22.5 / 27   # loses the train and spatial tests (5 points)
REPLACE = {"batch_norm": [("var = columns.var(axis=0)\n", "var = columns.var(axis=0, ddof=1)\n")]}
