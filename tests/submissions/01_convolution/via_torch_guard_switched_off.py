"""Tampering: hands conv2d to torch inside ``torch._C.DisableTorchFunction()``, which switches off the
function-level guard of ``numpy_only`` (it earned full marks before the kernel-level guard)."""

EXPECT = "zero"
ANSWERS = {"conv2d": '''
import numpy as np
import torch
import torch.nn.functional as F

def conv2d(x, w, b=None):
    def tensor(a):
        return None if a is None else torch.from_numpy(np.ascontiguousarray(a))
    with torch._C.DisableTorchFunction():
        return F.conv2d(tensor(x), tensor(w), tensor(b)).numpy()
'''}
