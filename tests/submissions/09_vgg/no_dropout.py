"""VGG accepts a dropout argument but never applies it."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_correct", Path(__file__).with_name("written_differently.py"))
_correct = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_correct)

EXPECT = "partial"
MAX_FRACTION = 0.85
ANSWERS = dict(_correct.ANSWERS)
ANSWERS["vgg"] = ANSWERS["vgg"].replace("self.drop(F.relu(", "(F.relu(")
assert "self.drop(" not in ANSWERS["vgg"]
