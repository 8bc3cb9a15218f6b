"""conv3d copied from a conv2d: the stride is applied to H and W but not to the depth axis D."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.85
ANSWERS = {
    "conv3d": '''
import numpy as np

def conv3d(x, w, b=None, stride=1, padding=0):
    N, C, D, H, W = x.shape
    F, _, KD, KH, KW = w.shape
    s, p = stride, padding
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p), (p, p)))
    D_out = D + 2 * p - KD + 1
    H_out = (H + 2 * p - KH) // s + 1
    W_out = (W + 2 * p - KW) // s + 1
    out = np.zeros((N, F, D_out, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for d in range(D_out):
                for i in range(H_out):
                    for j in range(W_out):
                        box = xp[n, :, d:d + KD, i * s:i * s + KH, j * s:j * s + KW]
                        out[n, f, d, i, j] = np.sum(box * w[f])
            if b is not None:
                out[n, f] += b[f]
    return out
''',
}
