"""max_pool2d_backward builds its mask by zeroing the non-maxima of a window view of x
(view[view < view.max()] = 0), which writes into the caller's x."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 11 / 15   # loses both max backward tests (routing and overlap) to the in-place write
ANSWERS = {
    "max_pool2d_backward": '''
import numpy as np

def max_pool2d_backward(dout, x, kernel_size, stride=None):
    """Gradient of max_pool2d with respect to x: dout goes to each window's first (row-major) maximum."""
    k = kernel_size
    step = k if stride is None else stride
    N, C, H, W = x.shape
    H_out, W_out = dout.shape[2], dout.shape[3]
    dx = np.zeros(x.shape, dtype=np.result_type(x, dout, np.float64))
    positions = np.arange(k * k)
    for i in range(H_out):
        for j in range(W_out):
            r, c = i * step, j * step
            view = x[:, :, r:r + k, c:c + k]
            view[view < view.max(axis=(2, 3), keepdims=True)] = 0
            window = x[:, :, r:r + k, c:c + k].reshape(N, C, k * k)
            winner = np.argmax(window, axis=2)                            # first maximum, as in torch
            one_hot = (positions == winner[:, :, None]).reshape(N, C, k, k)
            dx[:, :, r:r + k, c:c + k] += one_hot * dout[:, :, i, j][:, :, None, None]
    return dx
''',
}
