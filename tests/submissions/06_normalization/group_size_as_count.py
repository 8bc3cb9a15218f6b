"""group_norm mixes up the number of groups and the group size: reshape(N, C // num_groups, -1)."""

BASED_ON = "written_differently"
EXPECT = "partial"
ANSWERS = {
    "group_norm": r'''
import numpy as np

def group_norm(x, num_groups, gamma, beta, eps=1e-5):
    out = np.empty(x.shape)
    size = num_groups
    for n in range(x.shape[0]):
        for g in range(x.shape[1] // num_groups):
            block = x[n, g * size:(g + 1) * size]
            out[n, g * size:(g + 1) * size] = (block - block.mean()) / np.sqrt(block.var() + eps)
    return out * gamma.reshape(1, -1, 1, 1) + beta.reshape(1, -1, 1, 1)
''',
}
