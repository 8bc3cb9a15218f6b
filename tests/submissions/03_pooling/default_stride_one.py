"""Treats stride=None as stride 1 (sliding windows) instead of PyTorch's stride = kernel_size."""

import runpy
from pathlib import Path

EXPECT = "partial"
MAX_FRACTION = 0.6
ANSWERS = dict(runpy.run_path(str(Path(__file__).with_name("written_differently.py")))["ANSWERS"])
for name in ["max_pool2d", "avg_pool2d", "max_pool2d_backward", "avg_pool2d_backward"]:
    ANSWERS[name] = ANSWERS[name].replace("stride or kernel_size", "stride or 1")
