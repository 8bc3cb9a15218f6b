"""Channel-wise dropout (nn.Dropout2d) where element-wise dropout is asked: for inputs with 3 or more
axes, one keep/drop decision per (example, channel), broadcast over the remaining axes."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 8.5 / 11   # loses the fraction and seeded tests (3 points)
ANSWERS = {
    "dropout": '''
import numpy as np

def dropout(x, p, training, rng):
    if not training:
        return x, None
    if x.ndim >= 3:
        mask = rng.random(x.shape[:2] + (1,) * (x.ndim - 2)) >= p
        mask = np.broadcast_to(mask, x.shape)
    else:
        mask = rng.random(x.shape) >= p
    return x * mask / (1 - p), mask
''',
}
