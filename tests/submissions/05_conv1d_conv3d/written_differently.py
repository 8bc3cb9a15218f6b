"""Correct, but written nothing like the reference: window views with einsum/tensordot, a TextCNN with other
attribute names, add_module, F.max_pool1d and F.dropout, and a NumPy-broadcast output-shape formula.

The other prepared cases start from these answers and change one exercise.
"""

EXPECT = "full"
ANSWERS = {
    "conv1d": '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

def conv1d(x, w, b=None, stride=1, padding=0):
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding)], mode="constant")
    windows = sliding_window_view(xp, w.shape[2], axis=2)[:, :, ::stride]   # (N, C, L_out, K)
    out = np.einsum("nclk,fck->nfl", windows, w)
    if b is not None:
        out = out + np.asarray(b)[None, :, None]
    return out
''',
    "text_cnn": '''
import torch
import torch.nn as nn
import torch.nn.functional as F

class TextCNN(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_classes, filter_widths=(3, 4, 5), num_filters=100, '''
    '''dropout=0.5):
        super().__init__()
        self.p = dropout
        self.widths = list(filter_widths)
        self.words = nn.Embedding(vocab_size, embed_dim)
        for h in self.widths:
            self.add_module(f"ngram{h}", nn.Conv1d(embed_dim, num_filters, kernel_size=h))
        self.classifier = nn.Linear(num_filters * len(self.widths), num_classes)

    def forward(self, tokens):
        e = self.words(tokens).permute(0, 2, 1)
        feats = []
        for h in self.widths:
            m = torch.relu(getattr(self, f"ngram{h}")(e))
            feats.append(F.max_pool1d(m, kernel_size=m.shape[-1]).squeeze(-1))
        z = F.dropout(torch.cat(feats, 1), p=self.p, training=self.training)
        return self.classifier(z)
''',
    "conv3d_output_shape": '''
import numpy as np

def conv3d_output_shape(input_shape, out_channels, kernel_size, stride=1, padding=0):
    k, s, p = (np.broadcast_to(np.asarray(v), (3,)) for v in (kernel_size, stride, padding))
    out = np.floor_divide(np.asarray(input_shape[2:]) + 2 * p - k, s) + 1
    return (int(input_shape[0]), int(out_channels)) + tuple(int(v) for v in out)
''',
    "conv3d": '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

def conv3d(x, w, b=None, stride=1, padding=0):
    P = padding
    xp = np.pad(x, ((0, 0), (0, 0)) + ((P, P),) * 3)
    windows = sliding_window_view(xp, w.shape[2:], axis=(2, 3, 4))[:, :, ::stride, ::stride, ::stride]
    out = np.tensordot(windows, w, axes=([1, 5, 6, 7], [1, 2, 3, 4]))   # (N, D', H', W', F)
    out = np.moveaxis(out, -1, 1)
    if b is not None:
        out = out + np.reshape(b, (1, -1, 1, 1, 1))
    return out
''',
    "question_conv1d_length": '''
answer_conv1d_length = 49
''',
    "question_conv1d_as_conv2d": '''
answer_conv1d_as_conv2d = "D"
''',
    "question_conv3d_multiplies": '''
answer_conv3d_multiplies = 1_040_449_536
''',
}
