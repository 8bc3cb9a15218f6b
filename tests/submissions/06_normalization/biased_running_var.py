"""The running variance is updated with the biased batch variance (divide by m, not m - 1)."""

import runpy
from pathlib import Path

EXPECT = "partial"
MAX_FRACTION = 0.8
ANSWERS = dict(runpy.run_path(str(Path(__file__).with_name("written_differently.py")))["ANSWERS"])
ANSWERS["batch_norm"] = ANSWERS["batch_norm"].replace("columns.var(axis=0, ddof=1)", "var")
assert "ddof" not in ANSWERS["batch_norm"]
