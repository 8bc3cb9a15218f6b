"""Training mode scales x in place (x *= mask * scale) and returns it: the caller's activations change."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 6.5 / 11   # loses the fraction, scaling and seeded tests (5 points)
REPLACE = {
    "dropout": [
        ("return x * mask * scale, mask", "x *= mask * scale\n        return x, mask"),
    ],
}
