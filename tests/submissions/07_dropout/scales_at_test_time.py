"""Mixes the two conventions: inverted dropout in training and also a factor (1 - p) at test time."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 8.5 / 11   # loses the test-mode and scaling tests (3 points)
REPLACE = {
    "dropout": [
        ("return np.array(x, copy=True), None", "return x * (1.0 - p), None"),
    ],
}
