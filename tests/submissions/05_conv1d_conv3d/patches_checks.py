"""Tampering: wrong answers everywhere, plus code that disables the assertion helpers and \
torch's checks it can see."""

EXPECT = "zero"
ANSWERS = {
    "conv1d": '''
import contextlib
import numpy as np
import cs_utils.checks

cs_utils.checks.assert_close = lambda *args, **kwargs: None
cs_utils.checks.assert_shape = lambda *args, **kwargs: None
cs_utils.checks.numpy_only = lambda *args, **kwargs: contextlib.nullcontext()

def conv1d(x, w, b=None, stride=1, padding=0):
    return np.zeros((x.shape[0], w.shape[0], (x.shape[2] + 2 * padding - w.shape[2]) // stride + 1))
''',
    "text_cnn": '''
import torch
import torch.nn as nn

class TextCNN(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_classes, filter_widths=(3, 4, 5), num_filters=100, '''
    '''dropout=0.5):
        super().__init__()
        self.num_classes = num_classes

    def forward(self, tokens):
        return torch.zeros(tokens.shape[0], self.num_classes)
''',
    "conv3d_output_shape": '''
def conv3d_output_shape(input_shape, out_channels, kernel_size, stride=1, padding=0):
    return tuple(input_shape)
''',
    "conv3d": '''
import numpy as np

def conv3d(x, w, b=None, stride=1, padding=0):
    return np.zeros((x.shape[0], w.shape[0]) + tuple((n + 2 * padding - k) // stride + 1
                                                     for n, k in zip(x.shape[2:], w.shape[2:])))
''',
}
