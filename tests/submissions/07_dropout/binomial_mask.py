"""A correct dropout with a different draw (rng.binomial): it passes the statistical tests and loses
only the seeded test, which checks the documented draw rng.random(x.shape) >= p."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 10.5 / 11   # loses at least 1 of the 11 points
ANSWERS = {
    "dropout": '''
import numpy as np

def dropout(x, p, training, rng):
    if not training:
        return x, None
    mask = rng.binomial(1, 1 - p, size=x.shape).astype(bool)
    return x * mask / (1 - p), mask
''',
}
