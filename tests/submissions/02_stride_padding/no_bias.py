"""conv2d ignores the bias argument, and conv2d_param_count forgets the biases (750, not 760)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = (0.8 * 15 + 3) / 18  # as before the 3 question points, which it answers
ANSWERS = {
    "conv2d": '''
import numpy as np

def conv2d(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out = (H + 2 * padding - HH) // stride + 1
    W_out = (W + 2 * padding - WW) // stride + 1
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, f, i, j] = np.sum(xp[n, :, i * stride:i * stride + HH, '''
                    '''j * stride:j * stride + WW] * w[f])
    return out
''',
    "conv2d_param_count": '''
def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return in_channels * out_channels * kh * kw
''',
}
