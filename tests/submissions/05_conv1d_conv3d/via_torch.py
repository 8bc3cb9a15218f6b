"""Tampering: hands the NumPy exercises conv1d and conv3d to torch.nn.functional, the reference the tests use.

The PyTorch exercise (TextCNN) and the output-shape formula are correct, so exactly those points remain.
"""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 12 / 32  # only the TextCNN (6), conv3d_output_shape (3) and the three questions (3)
ANSWERS = {
    "conv1d": '''
import torch
import torch.nn.functional as F

def conv1d(x, w, b=None, stride=1, padding=0):
    bias = None if b is None else torch.from_numpy(b)
    return F.conv1d(torch.from_numpy(x), torch.from_numpy(w), bias, stride=stride, padding=padding).numpy()
''',
    "conv3d": '''
import torch
from torch.nn.functional import conv3d as torch_conv3d

def conv3d(x, w, b=None, stride=1, padding=0):
    bias = None if b is None else torch.from_numpy(b)
    return torch_conv3d(torch.from_numpy(x), torch.from_numpy(w), bias, stride=stride, '''
    '''padding=padding).numpy()
''',
}
