"""Draws the mask from NumPy's global generator (np.random.rand) instead of the rng argument."""

import runpy
from pathlib import Path

EXPECT = "partial"
MAX_FRACTION = 0.9
ANSWERS = dict(runpy.run_path(str(Path(__file__).with_name("written_differently.py")))["ANSWERS"])
ANSWERS["dropout"] = '''
import numpy as np

def dropout(x, p, training, rng):
    if not training:
        return x, None
    mask = np.random.rand(*x.shape) >= p
    return x * mask / (1 - p), mask
'''
