"""instance_norm normalizes x in place to save memory (x -= mean; x /= std), then applies gamma and beta."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 25.5 / 27   # loses test_instance_norm
ANSWERS = {
    "instance_norm": r'''
import numpy as np

def instance_norm(x, *, gamma, beta, eps=1e-5):
    x -= x.mean(axis=(2, 3), keepdims=True)
    x /= np.sqrt(x.var(axis=(2, 3), keepdims=True) + eps)
    return x * gamma[None, :, None, None] + beta[None, :, None, None]
''',
}
