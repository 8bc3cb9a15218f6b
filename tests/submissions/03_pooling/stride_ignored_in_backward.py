"""The forward passes are right, but both backward passes place window (i, j) at row i, column j,
forgetting to multiply by the stride."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = (0.6 * 12 + 3) / 15  # as before the 3 question points, which it answers
ANSWERS = {
    "max_pool2d_backward": '''
import numpy as np

def max_pool2d_backward(dout, x, kernel_size, stride=None):
    k = kernel_size
    dx = np.zeros_like(x)
    N, C = x.shape[:2]
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i:i + k, j:j + k].reshape(N, C, -1)
            onehot = np.eye(k * k)[window.argmax(axis=2)].reshape(N, C, k, k)
            dx[:, :, i:i + k, j:j + k] += onehot * dout[:, :, i:i + 1, j:j + 1]
    return dx
''',
    "avg_pool2d_backward": '''
import numpy as np

def avg_pool2d_backward(dout, x, kernel_size, stride=None):
    k = kernel_size
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i:i + k, j:j + k] += dout[:, :, i:i + 1, j:j + 1] / (k * k)
    return dx
''',
}
