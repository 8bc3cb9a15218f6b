"""Draws the mask before looking at `training`: test mode advances rng (the exercise says leave it alone)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 10.5 / 11   # loses at least the test-mode point
REPLACE = {
    "dropout": [
        ("    if training:\n        u = rng.random(size=np.shape(x))\n",
         "    u = rng.random(size=np.shape(x))\n    if training:\n"),
    ],
}
