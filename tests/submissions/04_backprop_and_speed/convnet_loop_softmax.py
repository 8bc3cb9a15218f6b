"""Correct, written differently again: a softmax loss with a loop over the images, and a ConvNet that calls
the fast conv layers positionally and masks with a boolean product."""

BASED_ON = "einsum_offsets"
EXPECT = "full"
ANSWERS = {
    "softmax_cross_entropy": '''
import numpy as np

def softmax_cross_entropy(scores, y):
    n = scores.shape[0]
    loss, dscores = 0.0, np.zeros_like(scores, dtype=float)
    for i in range(n):
        s = scores[i] - scores[i].max()
        p = np.exp(s) / np.exp(s).sum()
        loss -= np.log(p[y[i]])
        dscores[i] = p
        dscores[i, y[i]] -= 1.0
    return loss / n, dscores / n
''',
    "convnet_loss_and_grads": '''
import numpy as np

def convnet_loss_and_grads(params, x, y=None):
    a = conv2d_fast(x, params["w1"], params["b1"], 1, 1)
    r = a * (a > 0)
    p = max_pool2d(r, 2)
    scores = p.reshape(len(x), -1).dot(params["w2"]) + params["b2"]
    if y is None:
        return scores
    loss, ds = softmax_cross_entropy(scores, y)
    grads = {"b2": ds.sum(axis=0), "w2": p.reshape(len(x), -1).T.dot(ds)}
    dr = max_pool2d_backward(ds.dot(params["w2"].T).reshape(p.shape), r, 2)
    dx, grads["w1"], grads["b1"] = conv2d_backward_fast(dr * (a > 0), x, params["w1"], 1, 1)
    return loss, grads
''',
}
