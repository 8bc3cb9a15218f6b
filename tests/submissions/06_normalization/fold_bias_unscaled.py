"""Folding scales the weights but not the bias: b' = b - running_mean + beta."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
ANSWERS = {
    "fold_batchnorm": '''
import numpy as np

def fold_batchnorm(w, b, gamma, beta, running_mean, running_var, eps=1e-5):
    scale = gamma / np.sqrt(running_var + eps)
    bias = np.zeros(len(gamma)) if b is None else b
    return w * scale[:, None, None, None], bias - running_mean + beta
''',
}
