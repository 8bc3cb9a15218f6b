"""Tampering: hands the NumPy exercises to torch (F.dropout and a tensor multiplication)."""

EXPECT = "zero"
ANSWERS = {
    "dropout": '''
import numpy as np
import torch
import torch.nn.functional as F

def dropout(x, p, training, rng):
    out = F.dropout(torch.from_numpy(np.asarray(x, dtype=np.float64)), p=p, training=training).numpy()
    return out, (out != 0) if training else None
''',
    "dropout_backward": '''
import numpy as np
import torch

def dropout_backward(dout, mask, p):
    return (torch.from_numpy(dout) * torch.from_numpy(np.asarray(mask, dtype=np.float64)) / (1 - p)).numpy()
''',
}
