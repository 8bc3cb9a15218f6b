"""vgg_block pools after every conv instead of once at the end of the block."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_correct", Path(__file__).with_name("written_differently.py"))
_correct = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_correct)

EXPECT = "partial"
MAX_FRACTION = 0.5
ANSWERS = dict(_correct.ANSWERS)
ANSWERS["vgg_block"] = (ANSWERS["vgg_block"].replace("x = F.relu(conv(x))", "x = F.max_pool2d(F.relu(conv(x)), 2)")
                        .replace("return F.max_pool2d(x, 2)", "return x"))
assert ANSWERS["vgg_block"].count("max_pool2d") == 1
