"""Forgets the +1 in (N - F + 2P)/S + 1, in conv_output_size and in conv2d's output size."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = (0.6 * 15 + 3) / 18  # as before the 3 question points, which it answers
ANSWERS = {
    "conv_output_size": '''
def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    span = dilation * (kernel_size - 1) + 1
    if n + 2 * padding < span or (n + 2 * padding - span) % stride:
        raise ValueError("the filter doesn't fit")
    return (n + 2 * padding - span) // stride
''',
    "conv2d": '''
import numpy as np

def conv2d(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out = (H + 2 * padding - HH) // stride
    W_out = (W + 2 * padding - WW) // stride
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, f, i, j] = np.sum(xp[n, :, i * stride:i * stride + HH, '''
                    '''j * stride:j * stride + WW] * w[f])
            if b is not None:
                out[n, f] += b[f]
    return out
''',
}
