"""alexnet_shapes forgets the + 1 in (N - F + 2P)/S + 1: every size is one too small (CONV1 54x54)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_correct", Path(__file__).with_name("written_differently.py"))
_correct = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_correct)

EXPECT = "partial"
MAX_FRACTION = 0.7
ANSWERS = dict(_correct.ANSWERS)
ANSWERS["alexnet_shapes"] = ANSWERS["alexnet_shapes"].replace("/ s) + 1", "/ s)")
assert ANSWERS["alexnet_shapes"] != _correct.ANSWERS["alexnet_shapes"]
