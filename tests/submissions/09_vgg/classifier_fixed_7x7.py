"""VGG's first FC layer hard-codes the 7x7 map of a 224 input instead of image_size // 2 ** len(config)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_correct", Path(__file__).with_name("written_differently.py"))
_correct = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_correct)

EXPECT = "partial"
MAX_FRACTION = 0.5
ANSWERS = dict(_correct.ANSWERS)
ANSWERS["vgg"] = ANSWERS["vgg"].replace("chans[-1] * side * side", "chans[-1] * 7 * 7")
assert ANSWERS["vgg"] != _correct.ANSWERS["vgg"]
