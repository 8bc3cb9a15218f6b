"""vgg_block's 3x3 convs without padding=1: every conv shrinks the map by 2."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_correct", Path(__file__).with_name("written_differently.py"))
_correct = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_correct)

EXPECT = "partial"
MAX_FRACTION = 0.5
ANSWERS = dict(_correct.ANSWERS)
ANSWERS["vgg_block"] = ANSWERS["vgg_block"].replace("padding=(1, 1)", "padding=0")
assert ANSWERS["vgg_block"] != _correct.ANSWERS["vgg_block"]
