"""AlexNet with torchvision's CONV1 padding of 2 on a 227 input: CONV1 gives 56x56, not 55x55."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_correct", Path(__file__).with_name("written_differently.py"))
_correct = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_correct)

EXPECT = "partial"
MAX_FRACTION = 0.75
ANSWERS = dict(_correct.ANSWERS)
ANSWERS["alexnet"] = ANSWERS["alexnet"].replace("nn.Conv2d(3, 96, 11, 4)", "nn.Conv2d(3, 96, 11, 4, 2)")
assert ANSWERS["alexnet"] != _correct.ANSWERS["alexnet"]
