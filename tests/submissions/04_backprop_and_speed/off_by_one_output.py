"""conv2d_fast computes the output size as (H + 2P - HH + 1) // S: right at stride 1, one short at stride 2."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_correct", Path(__file__).with_name("einsum_offsets.py"))
_correct = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_correct)

EXPECT = "partial"
MAX_FRACTION = 0.85
ANSWERS = dict(_correct.ANSWERS)
ANSWERS["conv2d_fast"] = (ANSWERS["conv2d_fast"]
                          .replace("(H + 2 * padding - HH) // stride + 1", "(H + 2 * padding - HH + 1) // stride")
                          .replace("(W + 2 * padding - WW) // stride + 1", "(W + 2 * padding - WW + 1) // stride"))
assert ANSWERS["conv2d_fast"] != _correct.ANSWERS["conv2d_fast"]
