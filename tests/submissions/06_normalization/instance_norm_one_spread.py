"""instance_norm centres each (example, channel) over (H, W) but divides by one spread for the whole batch
(np.mean(centred ** 2) with no axis)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 25 / 27   # loses test_instance_norm
ANSWERS = {
    "instance_norm": '''
import numpy as np

def instance_norm(x, *, gamma, beta, eps=1e-5):
    """Instance normalization: each (example, channel) over H and W, as F.instance_norm.

    x: (N, C, H, W). gamma, beta: (C,), keyword-only (torch's 2nd and 3rd arguments are running
    statistics, a mode left out here). Returns (N, C, H, W).
    """
    centred = x - x.mean(axis=(2, 3), keepdims=True)
    spread = np.sqrt(np.mean(centred ** 2) + eps)
    return gamma[None, :, None, None] * (centred / spread) + beta[None, :, None, None]
''',
}
