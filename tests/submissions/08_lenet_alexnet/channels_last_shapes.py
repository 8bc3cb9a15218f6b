"""alexnet_shapes writes shapes as the slide does, (H, W, C) = (55, 55, 96), not channel first."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_correct", Path(__file__).with_name("written_differently.py"))
_correct = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_correct)

EXPECT = "partial"
MAX_FRACTION = 0.85
ANSWERS = dict(_correct.ANSWERS)
ANSWERS["alexnet_shapes"] = ANSWERS["alexnet_shapes"].replace(
    "return [(name, shape, np.int64(params))", "return [(name, shape[::-1], np.int64(params))")
assert ANSWERS["alexnet_shapes"] != _correct.ANSWERS["alexnet_shapes"]
