"""Spatial BN via x.reshape(-1, C) without moving the channel axis last: the wrong values per channel."""

import runpy
from pathlib import Path

EXPECT = "partial"
MAX_FRACTION = 0.8
ANSWERS = dict(runpy.run_path(str(Path(__file__).with_name("written_differently.py")))["ANSWERS"])
for name in ("batch_norm", "batch_norm_backward"):
    source = ANSWERS[name]
    source = source.replace("np.moveaxis(x, 1, -1).reshape(-1, C)", "x.reshape(-1, C)")
    source = source.replace("lambda a: np.moveaxis(a, 1, -1).reshape(-1, C)", "lambda a: a.reshape(-1, C)")
    source = source.replace("np.moveaxis(y.reshape(np.moveaxis(x, 1, -1).shape), -1, 1)", "y.reshape(x.shape)")
    source = source.replace("np.moveaxis(dxc.reshape(np.moveaxis(x, 1, -1).shape), -1, 1)", "dxc.reshape(x.shape)")
    assert "moveaxis" not in source, name
    ANSWERS[name] = source
