"""Correct, written unlike the reference: einsum on the windows view, and loops over kernel offsets; a
softmax through logsumexp and a one-hot matrix, a ConvNet that calls the naive conv layers by keyword and
masks with np.where, and the questions' numbers written out as integers. The pooling cell from notebook 03
stays unfilled, as a student who skips it would leave it: no test may depend on it."""

EXPECT = "full"
ANSWERS = {
    "conv2d_backward": '''
import numpy as np

def conv2d_backward(dout, x, w, stride=1, padding=0):
    # One output position at a time, all images and filters at once.
    HH, WW = w.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    dxp = np.zeros_like(xp, dtype=float)
    dw = np.zeros_like(w, dtype=float)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows = slice(i * stride, i * stride + HH)
            cols = slice(j * stride, j * stride + WW)
            g = dout[:, :, i, j]                                   # (N, F)
            dw += np.einsum("nf,nckl->fckl", g, xp[:, :, rows, cols])
            dxp[:, :, rows, cols] += np.einsum("nf,fckl->nckl", g, w)
    H, W = x.shape[2:]
    return dxp[:, :, padding:padding + H, padding:padding + W], dw, dout.sum(axis=(0, 2, 3)).astype(float)
''',
    "conv2d_fast": '''
import numpy as np

def conv2d_fast(x, w, b=None, stride=1, padding=0):
    # Sum over kernel offsets: each offset is one strided slice times one (C, F) matrix.
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    Ho = (H + 2 * padding - HH) // stride + 1
    Wo = (W + 2 * padding - WW) // stride + 1
    out = np.zeros((N, F, Ho, Wo), dtype=np.result_type(x, w))
    for k in range(HH):
        for l in range(WW):
            patch = xp[:, :, k:k + stride * (Ho - 1) + 1:stride, l:l + stride * (Wo - 1) + 1:stride]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, k, l])
    if b is not None:
        out += np.asarray(b, dtype=out.dtype)[:, None, None]
    return out
''',
    "conv2d_backward_fast": '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

def conv2d_backward_fast(dout, x, w, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    Ho, Wo = dout.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    win = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :Ho, :Wo]
    dw = np.einsum("nfhw,nchwkl->fckl", dout, win, optimize=True)
    db = np.einsum("nfhw->f", dout)
    dxp = np.zeros(xp.shape, dtype=np.result_type(dout, w))
    for k in range(HH):
        for l in range(WW):
            dxp[:, :, k:k + stride * (Ho - 1) + 1:stride, l:l + stride * (Wo - 1) + 1:stride] += \\
                np.einsum("nfhw,fc->nchw", dout, w[:, :, k, l])
    return dxp[:, :, padding:padding + H, padding:padding + W], dw, db
''',
    "softmax_cross_entropy": '''
import numpy as np

def softmax_cross_entropy(scores, y):
    m = np.max(scores, axis=1, keepdims=True)
    logsumexp = m[:, 0] + np.log(np.sum(np.exp(scores - m), axis=1))
    one_hot = np.eye(scores.shape[1])[y]
    loss = np.mean(logsumexp - np.sum(one_hot * scores, axis=1))
    probs = np.exp(scores - logsumexp[:, None])
    return loss, (probs - one_hot) / scores.shape[0]
''',
    "convnet_loss_and_grads": '''
import numpy as np

def convnet_loss_and_grads(params, x, y=None):
    w1, b1, w2, b2 = (params[k] for k in ("w1", "b1", "w2", "b2"))
    conv = conv2d(x, w1, b=b1, stride=1, padding=1)
    relu = np.where(conv > 0, conv, 0.0)
    pooled = max_pool2d(relu, kernel_size=2, stride=2)
    h = pooled.reshape(pooled.shape[0], -1)
    scores = h @ w2 + b2
    if y is None:
        return scores
    loss, d_scores = softmax_cross_entropy(scores, y)
    d_h = d_scores @ w2.T
    d_relu = max_pool2d_backward(d_h.reshape(pooled.shape), relu, kernel_size=2, stride=2)
    d_conv = np.where(conv > 0, d_relu, 0.0)
    _, d_w1, d_b1 = conv2d_backward(d_conv, x, w1, stride=1, padding=1)
    return loss, {"w1": d_w1, "b1": d_b1, "w2": np.einsum("ni,nk->ik", h, d_scores), "b2": d_scores.sum(0)}
''',
    "question_dx_transposed": '''
answer_dx_transposed = "B"
''',
    "question_multiplies": '''
answer_forward_multiplies = 352800
answer_backward_multiplies = 705_600.0
''',
}
