"""Keras's momentum convention: running = momentum * running + (1 - momentum) * batch."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 22.5 / 27   # loses at least 5 of the 27 points
REPLACE = {"batch_norm": [
    ("momentum * mu + (1.0 - momentum) * running_mean", "(1.0 - momentum) * mu + momentum * running_mean"),
    ("momentum * columns.var(axis=0, ddof=1) + (1.0 - momentum) * running_var",
     "(1.0 - momentum) * columns.var(axis=0, ddof=1) + momentum * running_var"),
]}
