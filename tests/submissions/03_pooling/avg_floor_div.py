"""avg_pool2d divides the window sum with // (floor division)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 13 / 15
ANSWERS = {
    "avg_pool2d": '''
import numpy as np

def avg_pool2d(x, kernel_size, stride=None):
    k = kernel_size
    s = kernel_size if stride is None else stride
    N, C, H, W = x.shape
    Ho, Wo = (H - k) // s + 1, (W - k) // s + 1
    out = np.zeros((N, C, Ho, Wo), dtype=x.dtype)
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = np.sum(x[:, :, i * s:i * s + k, j * s:j * s + k], axis=(2, 3)) // (k * k)
    return out
''',
}
