"""The flat argmax of a window decoded as (idx % k, idx // k): row and column swapped inside the
window (right only where the maximum is on the diagonal of its window)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 10 / 15
ANSWERS = {
    "max_pool2d_backward": '''
import numpy as np

def max_pool2d_backward(dout, x, kernel_size, stride=None):
    k = kernel_size
    s = kernel_size if stride is None else stride
    N, C, Ho, Wo = dout.shape
    dx = np.zeros(x.shape, dtype=np.float64)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    window = x[n, c, i * s:i * s + k, j * s:j * s + k]
                    idx = np.argmax(window)
                    r, q = idx % k, idx // k
                    dx[n, c, i * s + r, j * s + q] += dout[n, c, i, j]
    return dx
''',
}
