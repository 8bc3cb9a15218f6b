"""Test mode returns a mask of ones instead of None (it draws nothing)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 10.5 / 11   # loses at least the test-mode point
REPLACE = {
    "dropout": [
        ("return np.array(x, copy=True), None",
         "return np.array(x, copy=True), np.ones(np.shape(x), dtype=bool)"),
    ],
}
