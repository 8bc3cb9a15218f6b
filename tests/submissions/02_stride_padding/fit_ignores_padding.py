"""conv_output_size compares the filter with the *unpadded* input ("eff > n"), so it refuses a 3x3
filter on a 2x2 input with padding 1, which fits once padded (the visible test shows it)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 16.5 / 18
REPLACE = {"conv_output_size": [("    if steps < 0:\n", "    if span > n or steps < 0:\n")]}
