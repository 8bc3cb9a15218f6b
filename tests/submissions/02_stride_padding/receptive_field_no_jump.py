"""Adds kernel_size - 1 per layer but forgets that earlier strides spread the units apart (the jump)."""

import runpy
from pathlib import Path

EXPECT = "partial"
MAX_FRACTION = 0.95
ANSWERS = dict(runpy.run_path(str(Path(__file__).with_name("written_differently.py")))["ANSWERS"])
ANSWERS["receptive_field"] = '''
def receptive_field(layers):
    size = 1
    for layer in layers:
        dilation = layer[2] if len(layer) == 3 else 1
        size += dilation * (layer[0] - 1)
    return size
'''
