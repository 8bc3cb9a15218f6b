"""alexnet_shapes counts only the weights (CONV1 34,848 instead of 34,944): the biases are forgotten."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_correct", Path(__file__).with_name("written_differently.py"))
_correct = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_correct)

EXPECT = "partial"
MAX_FRACTION = 0.85
ANSWERS = dict(_correct.ANSWERS)
for bias in [" + 96]", " + 256]", " + 384]", " + 4096]", " + num_classes]"]:
    ANSWERS["alexnet_shapes"] = ANSWERS["alexnet_shapes"].replace(bias, "]")
assert "+ 96" not in ANSWERS["alexnet_shapes"] and "+ num_classes" not in ANSWERS["alexnet_shapes"]
