"""conv_output_size checks that the filter tiles the *unpadded* input ((n - F) % S) but returns the
padded size: it raises ValueError on sizes that fit once padded, such as the visible test's 7x7 input
with a 3x3 filter, stride 3, padding 1 (the message must name the call)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 16.5 / 18
REPLACE = {"conv_output_size": [("if leftover:", "if (n - span) % stride:")]}
