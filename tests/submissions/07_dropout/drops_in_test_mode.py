"""Ignores the training flag: units are dropped at test time too."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 10.5 / 11   # loses at least 1 of the 11 points
ANSWERS = {
    "dropout": '''
import numpy as np

def dropout(x, p, training, rng):
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), mask
''',
}
