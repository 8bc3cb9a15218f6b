"""conv3d reads the filter as (F, C, KD, KW, KH): height and width of the kernel in the wrong axis order."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.8
ANSWERS = {
    "conv3d": '''
import numpy as np

def conv3d(x, w, b=None, stride=1, padding=0):
    N, C, D, H, W = x.shape
    F, _, KD, KW, KH = w.shape
    s, p = stride, padding
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p), (p, p)))
    D_out = (D + 2 * p - KD) // s + 1
    H_out = (H + 2 * p - KH) // s + 1
    W_out = (W + 2 * p - KW) // s + 1
    out = np.zeros((N, F, D_out, H_out, W_out))
    for d in range(D_out):
        for i in range(H_out):
            for j in range(W_out):
                box = xp[:, :, d * s:d * s + KD, i * s:i * s + KH, j * s:j * s + KW]
                out[:, :, d, i, j] = np.einsum("ncdhw,fcdwh->nf", box, w)
    if b is not None:
        out += np.reshape(b, (1, -1, 1, 1, 1))
    return out
''',
}
