"""conv1d returns (N, L_out, F), the channels-last (Keras) axis order, instead of PyTorch's (N, F, L_out)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 21 / 32  # the conv1d points lost, as before the three questions were added
ANSWERS = {
    "conv1d": '''
import numpy as np

def conv1d(x, w, b=None, stride=1, padding=0):
    N, C, L = x.shape
    F, _, K = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding)))
    L_out = (L + 2 * padding - K) // stride + 1
    out = np.zeros((N, L_out, F))
    for i in range(L_out):
        window = xp[:, :, i * stride:i * stride + K]
        out[:, i, :] = np.einsum("nck,fck->nf", window, w)
    if b is not None:
        out += b
    return out
''',
}
