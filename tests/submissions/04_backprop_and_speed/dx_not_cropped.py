"""Forgets to crop the padding: dx comes back with the padded input's shape (naive and fast)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_correct", Path(__file__).with_name("einsum_offsets.py"))
_correct = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_correct)

EXPECT = "partial"
MAX_FRACTION = 0.7
ANSWERS = dict(_correct.ANSWERS)
for _name in ("conv2d_backward", "conv2d_backward_fast"):
    ANSWERS[_name] = ANSWERS[_name].replace("[:, :, padding:padding + H, padding:padding + W]", "")
    assert ANSWERS[_name] != _correct.ANSWERS[_name]
