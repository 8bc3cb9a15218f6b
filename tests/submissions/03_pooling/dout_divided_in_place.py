"""avg_pool2d_backward divides dout in place (dout /= k * k): the caller's upstream gradient
changes."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 13 / 15
ANSWERS = {
    "avg_pool2d_backward": '''
import numpy as np

def avg_pool2d_backward(dout, x, kernel_size, stride=None):
    k = kernel_size
    s = kernel_size if stride is None else stride
    N, C, Ho, Wo = dout.shape
    dout /= k * k
    dx = np.zeros(x.shape, dtype=np.float64)
    for i in range(Ho):
        for j in range(Wo):
            dx[:, :, i * s:i * s + k, j * s:j * s + k] += dout[:, :, i:i + 1, j:j + 1]
    return dx
''',
}
