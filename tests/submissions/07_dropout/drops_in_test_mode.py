"""Ignores the training flag: units are dropped at test time too."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
ANSWERS = {
    "dropout": '''
import numpy as np

def dropout(x, p, training, rng):
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), mask
''',
}
