"""LeNet5 with ReLU and max pooling (the modern habit) instead of tanh and average pooling."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_correct", Path(__file__).with_name("written_differently.py"))
_correct = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_correct)

EXPECT = "partial"
MAX_FRACTION = 0.85
ANSWERS = dict(_correct.ANSWERS)
ANSWERS["lenet5"] = ANSWERS["lenet5"].replace("torch.tanh", "F.relu").replace("F.avg_pool2d", "F.max_pool2d")
assert "tanh" not in ANSWERS["lenet5"] and "avg_pool" not in ANSWERS["lenet5"]
