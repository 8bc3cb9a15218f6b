"""Group norm with interleaved groups (channels g, g + G, g + 2G, ...) instead of consecutive ones."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.95
ANSWERS = {
    "group_norm": '''
import numpy as np

def group_norm(x, num_groups, gamma, beta, eps=1e-5):
    N, C, H, W = x.shape
    g = x.reshape(N, C // num_groups, num_groups, H, W)
    mean = g.mean(axis=(1, 3, 4), keepdims=True)
    var = g.var(axis=(1, 3, 4), keepdims=True)
    out = ((g - mean) / np.sqrt(var + eps)).reshape(N, C, H, W)
    return out * gamma.reshape(1, -1, 1, 1) + beta.reshape(1, -1, 1, 1)
''',
}
