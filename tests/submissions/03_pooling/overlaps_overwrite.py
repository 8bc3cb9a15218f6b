"""Both backward passes assign (=) instead of accumulating (+=): wrong wherever windows overlap."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = (0.8 * 12 + 3) / 15  # as before the 3 question points, which it answers
ANSWERS = {
    "max_pool2d_backward": '''
import numpy as np

def max_pool2d_backward(dout, x, kernel_size, stride=None):
    k = kernel_size
    s = k if stride is None else stride
    dx = np.zeros_like(x)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    window = x[n, c, i * s:i * s + k, j * s:j * s + k]
                    r, q = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * s + r, j * s + q] = dout[n, c, i, j]
    return dx
''',
    "avg_pool2d_backward": '''
import numpy as np

def avg_pool2d_backward(dout, x, kernel_size, stride=None):
    k = kernel_size
    s = k if stride is None else stride
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i * s:i * s + k, j * s:j * s + k] = dout[:, :, i:i + 1, j:j + 1] / (k * k)
    return dx
''',
}
