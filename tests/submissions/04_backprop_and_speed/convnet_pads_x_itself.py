"""Correct, written differently: the ConvNet zero-pads x itself and calls conv2d_fast(x_pad, w1, b1) and
conv2d_backward_fast(da1, x_pad, w1) with padding 0: the same numbers as passing x with padding=1 (it lost
3 points before the stand-ins accepted a self-padded x)."""

BASED_ON = "einsum_offsets"
EXPECT = "full"
ANSWERS = {
    "convnet_loss_and_grads": '''
import numpy as np


def convnet_loss_and_grads(params, x, y=None):
    x_pad = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))       # 'same' padding for the 3x3 conv
    a1 = conv2d_fast(x_pad, params["w1"], params["b1"])
    r1 = np.maximum(a1, 0)
    p1 = max_pool2d(r1, 2)
    flat = p1.reshape(len(x), -1)
    scores = flat @ params["w2"] + params["b2"]
    if y is None:
        return scores
    loss, dscores = softmax_cross_entropy(scores, y)
    grads = {"w2": flat.T @ dscores, "b2": dscores.sum(axis=0)}
    dr1 = max_pool2d_backward((dscores @ params["w2"].T).reshape(p1.shape), r1, 2)
    da1 = dr1 * (a1 > 0)
    dx_pad, grads["w1"], grads["b1"] = conv2d_backward_fast(da1, x_pad, params["w1"])
    dx = dx_pad[:, :, 1:-1, 1:-1]   # the gradient of x itself, for a layer before this one
    assert dx.shape == x.shape
    return loss, grads
''',
}
