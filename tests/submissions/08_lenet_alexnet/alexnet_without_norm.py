"""AlexNet without the local response normalization layers ("not common anymore", so left out)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_correct", Path(__file__).with_name("written_differently.py"))
_correct = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_correct)

EXPECT = "partial"
MAX_FRACTION = 0.85
ANSWERS = dict(_correct.ANSWERS)
ANSWERS["alexnet"] = ANSWERS["alexnet"].replace(
    "return F.local_response_norm(h, 5, alpha=1e-4, beta=0.75, k=2.0)", "return h")
assert ANSWERS["alexnet"] != _correct.ANSWERS["alexnet"]
