"""avg_pool2d takes window.mean() with no axis: each output averages its window over every image and
channel too, not over the window alone."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 13 / 15   # loses test_avg_pool2d
ANSWERS = {
    "avg_pool2d": '''
import numpy as np

def avg_pool2d(x, kernel_size, stride=None):
    """Average pooling with square k x k windows. x: (N, C, H, W); stride defaults to kernel_size.

    Returns out: (N, C, (H - k) // stride + 1, (W - k) // stride + 1).
    """
    k = kernel_size
    step = k if stride is None else stride
    N, C, H, W = x.shape
    if H < k or W < k:
        raise ValueError(f"a {k}x{k} window does not fit in a {H}x{W} input")
    H_out, W_out = (H - k) // step + 1, (W - k) // step + 1
    out = np.empty((N, C, H_out, W_out), dtype=x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64)
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * step:i * step + k, j * step:j * step + k].mean()
    return out
''',
}
