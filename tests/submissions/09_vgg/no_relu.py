"""vgg_block forgets the ReLU after each conv: the block is linear until the pool."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_correct", Path(__file__).with_name("written_differently.py"))
_correct = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_correct)

EXPECT = "partial"
MAX_FRACTION = 0.6
ANSWERS = dict(_correct.ANSWERS)
ANSWERS["vgg_block"] = ANSWERS["vgg_block"].replace("x = F.relu(conv(x))", "x = conv(x)")
assert ANSWERS["vgg_block"] != _correct.ANSWERS["vgg_block"]
