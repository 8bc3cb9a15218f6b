"""Layer norm over the channel axis only (one mean per example and pixel), not over the last
len(normalized_shape) axes ((C, H, W) for normalized_shape = x.shape[1:])."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.95
ANSWERS = {
    "layer_norm": '''
import numpy as np

def layer_norm(x, normalized_shape, gamma, beta, eps=1e-5):
    mean = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
''',
}
