"""Mistake: the ConvNet pools inline by reshape without cropping an odd last row/column (CS231n's 'fast'
pooling, which needs even sizes): right for even images, a crash for odd."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 21.5 / 24   # loses both ConvNet tests (odd image sizes)
ANSWERS = {
    "convnet_loss_and_grads": '''
import numpy as np


def convnet_loss_and_grads(params, x, y=None):
    # Pools 2x2 inline with a reshape (odd last row/column cropped, as max_pool2d does).
    N = x.shape[0]
    a1 = conv2d_fast(x, params["w1"], params["b1"], padding=1)
    r1 = np.maximum(a1, 0)
    Fn, H, W = r1.shape[1:]
    Hc, Wc = H, W
    blocks = r1[:, :, :Hc, :Wc].reshape(N, Fn, Hc // 2, 2, Wc // 2, 2)
    p1 = blocks.max(axis=(3, 5))
    flat = p1.reshape(N, -1)
    scores = flat @ params["w2"] + params["b2"]
    if y is None:
        return scores
    loss, dscores = softmax_cross_entropy(scores, y)
    dp1 = (dscores @ params["w2"].T).reshape(p1.shape)
    # first maximum of each window gets the gradient (as torch does)
    win = blocks.transpose(0, 1, 2, 4, 3, 5).reshape(N, Fn, Hc // 2, Wc // 2, 4)
    first = np.eye(4, dtype=bool)[win.argmax(axis=-1)]                     # (N, F, h, w, 4)
    dwin = first * dp1[..., None]
    dr1 = np.zeros_like(r1)
    dwin = dwin.reshape(N, Fn, Hc // 2, Wc // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5)
    dr1[:, :, :Hc, :Wc] = dwin.reshape(N, Fn, Hc, Wc)
    da1 = dr1 * (a1 > 0)
    _, dw1, db1 = conv2d_backward_fast(da1, x, params["w1"], padding=1)
    return loss, {"w1": dw1, "b1": db1, "w2": flat.T @ dscores, "b2": dscores.sum(axis=0)}
''',
}
