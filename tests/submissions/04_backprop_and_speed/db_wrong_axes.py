"""db summed over the spatial axes only, not over the batch: shape (N, F) instead of (F,)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_correct", Path(__file__).with_name("einsum_offsets.py"))
_correct = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_correct)

EXPECT = "partial"
MAX_FRACTION = 0.8
ANSWERS = dict(_correct.ANSWERS)
ANSWERS["conv2d_backward"] = ANSWERS["conv2d_backward"].replace("dout.sum(axis=(0, 2, 3))", "dout.sum(axis=(2, 3))")
ANSWERS["conv2d_backward_fast"] = ANSWERS["conv2d_backward_fast"].replace('"nfhw->f"', '"nfhw->nf"')
assert ANSWERS["conv2d_backward"] != _correct.ANSWERS["conv2d_backward"]
assert ANSWERS["conv2d_backward_fast"] != _correct.ANSWERS["conv2d_backward_fast"]
