"""Draws the mask from NumPy's global generator (np.random.rand) instead of the rng argument."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 10.5 / 11   # loses at least 1 of the 11 points
ANSWERS = {
    "dropout": '''
import numpy as np

def dropout(x, p, training, rng):
    if not training:
        return x, None
    mask = np.random.rand(*x.shape) >= p
    return x * mask / (1 - p), mask
''',
}
