"""max_pool2d_backward sends dout to every element of the window instead of only to the maximum."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = (0.7 * 12 + 3) / 15  # as before the 3 question points, which it answers
ANSWERS = {
    "max_pool2d_backward": '''
import numpy as np

def max_pool2d_backward(dout, x, kernel_size, stride=None):
    k = kernel_size
    s = k if stride is None else stride
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i * s:i * s + k, j * s:j * s + k] += dout[:, :, i:i + 1, j:j + 1]
    return dx
''',
}
