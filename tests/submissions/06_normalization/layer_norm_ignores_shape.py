"""layer_norm ignores normalized_shape and always normalizes each example over all its axes but the first:
right only when normalized_shape is x.shape[1:], wrong for (H, W) on (N, C, H, W) or (D,) on (N, T, D)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.95
ANSWERS = {
    "layer_norm": '''
import numpy as np

def layer_norm(x, normalized_shape, gamma, beta, eps=1e-5):
    axes = tuple(range(1, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
''',
}
