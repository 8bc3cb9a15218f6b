"""Correct, but written nothing like the reference: strided window views, np.add.at scattering for
max pooling, and a loop over window offsets (not output positions) for average pooling."""

EXPECT = "full"
ANSWERS = {
    "max_pool2d": '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

def max_pool2d(x, kernel_size, stride=None):
    s = stride or kernel_size
    windows = sliding_window_view(x, (kernel_size, kernel_size), axis=(2, 3))[:, :, ::s, ::s]
    return windows.max(axis=(-2, -1))
''',
    "avg_pool2d": '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

def avg_pool2d(x, kernel_size, stride=None):
    s = stride or kernel_size
    windows = sliding_window_view(x, (kernel_size, kernel_size), axis=(2, 3))[:, :, ::s, ::s]
    return windows.mean(axis=(-2, -1))
''',
    "max_pool2d_backward": '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

def max_pool2d_backward(dout, x, kernel_size, stride=None):
    k, s = kernel_size, stride or kernel_size
    windows = sliding_window_view(x, (k, k), axis=(2, 3))[:, :, ::s, ::s]    # (N, C, Ho, Wo, k, k)
    N, C, Ho, Wo = windows.shape[:4]
    di, dj = np.divmod(windows.reshape(N, C, Ho, Wo, k * k).argmax(axis=-1), k)
    rows = np.arange(Ho)[:, None] * s + di
    cols = np.arange(Wo)[None, :] * s + dj
    dx = np.zeros(x.shape)
    np.add.at(dx, (np.arange(N)[:, None, None, None], np.arange(C)[None, :, None, None], rows, cols), dout)
    return dx
''',
    "avg_pool2d_backward": '''
import numpy as np

def avg_pool2d_backward(dout, x, kernel_size, stride=None):
    k, s = kernel_size, stride or kernel_size
    Ho, Wo = dout.shape[2:]
    dx = np.zeros(x.shape)
    for di in range(k):
        for dj in range(k):
            dx[:, :, di:di + s * (Ho - 1) + 1:s, dj:dj + s * (Wo - 1) + 1:s] += dout / k**2
    return dx
''',
    "answer_pool_size": "answer_pool_size = 27\n",
    "answer_pool_params": "answer_pool_params = 0\n",
    "answer_max_vs_avg": 'answer_max_vs_avg = "b"\n',
}
