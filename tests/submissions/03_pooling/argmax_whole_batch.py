"""Vectorised over the batch and channels, but np.argmax(window) without an axis takes one position
over all images and channels of the window slice."""

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
    for i in range(Ho):
        for j in range(Wo):
            window = x[:, :, i * s:i * s + k, j * s:j * s + k]
            _, _, r, q = np.unravel_index(np.argmax(window), window.shape)
            dx[:, :, i * s + r, j * s + q] += dout[:, :, i, j]
    return dx
''',
}
