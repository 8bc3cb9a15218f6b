"""Correct values, but the "fast" functions still loop over every output position: not vectorized."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_correct", Path(__file__).with_name("einsum_offsets.py"))
_correct = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_correct)

EXPECT = "partial"
MAX_FRACTION = 0.9
ANSWERS = dict(_correct.ANSWERS)
ANSWERS["conv2d_fast"] = '''
import numpy as np

def conv2d_fast(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    Ho, Wo = (H + 2 * padding - HH) // stride + 1, (W + 2 * padding - WW) // stride + 1
    out = np.zeros((N, F, Ho, Wo), dtype=np.result_type(x, w))
    for i in range(Ho):
        for j in range(Wo):
            window = xp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3]))
    return out if b is None else out + b[None, :, None, None]
'''
# The naive backward pass (loops over positions) handed in as the fast one.
ANSWERS["conv2d_backward_fast"] = (_correct.ANSWERS["conv2d_backward"]
                                   .replace("def conv2d_backward(", "def conv2d_backward_fast(")
                                   .replace("dtype=float", "dtype=np.result_type(dout, w)")
                                   .replace(".astype(float)", ""))
