"""One mask per feature, shared by the whole batch: every example drops the same units."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 6.5 / 11   # loses the fraction, scaling and seeded tests (5 points)
REPLACE = {
    "dropout": [
        ("u = rng.random(size=np.shape(x))",
         "u = np.broadcast_to(rng.random(size=np.shape(x)[1:]), np.shape(x))"),
    ],
}
