"""fold_batchnorm scales by gamma / (running_var + eps), forgetting the square root of the variance."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 24 / 27   # loses both fold tests
ANSWERS = {
    "fold_batchnorm": '''
import numpy as np

def fold_batchnorm(w, b, gamma, beta, running_mean, running_var, eps=1e-5):
    """Fold a test-mode batch norm into the preceding convolution.

    w: (F, C, HH, WW), b: (F,) or None; gamma, beta, running_mean, running_var: (F,).
    Returns (w_folded (F, C, HH, WW), b_folded (F,)).
    """
    scale = gamma / (running_var + eps)
    bias = np.zeros(w.shape[0]) if b is None else b
    return w * scale[:, None, None, None], (bias - running_mean) * scale + beta
''',
}
