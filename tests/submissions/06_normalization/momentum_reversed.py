"""Keras's momentum convention: running = momentum * running + (1 - momentum) * batch."""

import runpy
from pathlib import Path

EXPECT = "partial"
MAX_FRACTION = 0.8
ANSWERS = dict(runpy.run_path(str(Path(__file__).with_name("written_differently.py")))["ANSWERS"])
source = ANSWERS["batch_norm"]
source = source.replace("momentum * mu + (1.0 - momentum) * running_mean", "(1.0 - momentum) * mu + momentum * running_mean")
source = source.replace("momentum * columns.var(axis=0, ddof=1) + (1.0 - momentum) * running_var",
                        "(1.0 - momentum) * columns.var(axis=0, ddof=1) + momentum * running_var")
assert source.count("momentum * running_") == 2
ANSWERS["batch_norm"] = source
