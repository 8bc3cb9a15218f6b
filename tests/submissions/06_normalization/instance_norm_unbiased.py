"""instance_norm uses the unbiased variance (np.var(..., ddof=1)) over H x W."""

BASED_ON = "written_differently"
EXPECT = "partial"
ANSWERS = {
    "instance_norm": r'''
import numpy as np

def instance_norm(x, *, gamma, beta, eps=1e-5):
    out = np.empty(x.shape)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            plane = x[n, c]
            out[n, c] = gamma[c] * (plane - plane.mean()) / np.sqrt(plane.var(ddof=1) + eps) + beta[c]
    return out
''',
}
