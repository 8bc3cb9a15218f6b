"""fold_batchnorm scales the convolution's w in place (w *= scale) and returns it."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 25.5 / 27   # loses the fold_batchnorm_vs_torch test (2 points)
ANSWERS = {
    "fold_batchnorm": '''
import numpy as np

def fold_batchnorm(w, b, gamma, beta, running_mean, running_var, eps=1e-5):
    scale = gamma / np.sqrt(running_var + eps)
    bias = np.zeros(w.shape[0]) if b is None else b
    w *= scale[:, None, None, None]
    return w, (bias - running_mean) * scale + beta
''',
}
