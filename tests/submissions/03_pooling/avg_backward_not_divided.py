"""avg_pool2d_backward copies dout to the window without dividing by k * k."""

import runpy
from pathlib import Path

EXPECT = "partial"
MAX_FRACTION = 0.9
ANSWERS = dict(runpy.run_path(str(Path(__file__).with_name("written_differently.py")))["ANSWERS"])
ANSWERS["avg_pool2d_backward"] = ANSWERS["avg_pool2d_backward"].replace("+= dout / k**2", "+= dout")
