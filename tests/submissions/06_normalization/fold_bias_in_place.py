"""fold_batchnorm builds the folded bias in b's own memory (b -= mean; b *= s; b += beta): the caller's b
changes."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 25.5 / 27   # loses test_fold_batchnorm_vs_torch
ANSWERS = {
    "fold_batchnorm": r'''
import numpy as np

def fold_batchnorm(w, b, gamma, beta, running_mean, running_var, eps=1e-5):
    s = gamma / np.sqrt(running_var + eps)
    w_folded = w * s[:, None, None, None]
    b_folded = np.zeros_like(beta) if b is None else b
    b_folded -= running_mean
    b_folded *= s
    b_folded += beta
    return w_folded, b_folded
''',
}
