"""Ignores the training flag: units are dropped at test time too."""

import runpy
from pathlib import Path

EXPECT = "partial"
MAX_FRACTION = 0.9
ANSWERS = dict(runpy.run_path(str(Path(__file__).with_name("written_differently.py")))["ANSWERS"])
ANSWERS["dropout"] = '''
import numpy as np

def dropout(x, p, training, rng):
    mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), mask
'''
