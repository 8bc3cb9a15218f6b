"""cs_utils.convnet_reference: notebook 04's torch references, the mistakes they name, the stand-ins."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cs_utils.convnet_reference import (
    conv_gradient_mistakes,
    conv_output_mistakes,
    convnet_grad_mistakes,
    cross_entropy_gradient_mistakes,
    cross_entropy_loss_mistakes,
    layer_stand_ins,
    odd_size_errors,
    scalar_loss,
    small_network,
    torch_conv_grads,
    torch_convnet,
    torch_cross_entropy,
)
from cs_utils.gradcheck import numeric_gradient


def test_stand_ins_answer_a_correct_network_refuse_wrong_calls_and_restore_the_names():
    params, x, y = small_network(np.random.default_rng(0), N=2, C=1, H=4, W=4, num_filters=3)
    want_scores, want_loss, want_grads = torch_convnet(params, x, y)
    assert set(want_grads) == set(params) and all(want_grads[k].shape == params[k].shape for k in params)
    students_conv = object()
    namespace = {"conv2d_fast": students_conv}
    with layer_stand_ins(namespace, params, x, y):
        a1 = namespace["conv2d_fast"](x, params["w1"], params["b1"], stride=1, padding=1)
        pooled = namespace["max_pool2d"](np.maximum(a1, 0), 2)
        scores = pooled.reshape(len(x), -1) @ params["w2"] + params["b2"]
        loss, dscores = namespace["softmax_cross_entropy"](scores, y)
        dpooled = (dscores @ params["w2"].T).reshape(pooled.shape)
        da1 = namespace["max_pool2d_backward"](dpooled, np.maximum(a1, 0), 2) * (a1 > 0)
        _, dw1, db1 = namespace["conv2d_backward_fast"](da1, x, params["w1"], stride=1, padding=1)
        with pytest.raises(AssertionError, match="stride 1 and padding 1"):
            namespace["conv2d_fast"](x, params["w1"], params["b1"], stride=2, padding=1)
        with pytest.raises(AssertionError, match="not the pooling layer's input"):
            namespace["max_pool2d"](a1 + 1.0, 2)
    np.testing.assert_allclose(scores, want_scores, rtol=1e-10)
    assert loss == pytest.approx(want_loss, rel=1e-12)
    np.testing.assert_allclose(dw1, want_grads["w1"], rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(db1, want_grads["b1"], rtol=1e-8, atol=1e-12)
    assert namespace == {"conv2d_fast": students_conv}, "the student's functions come back, the others go"


def test_stand_ins_answer_a_network_that_pads_x_itself():
    params, x, y = small_network(np.random.default_rng(2), N=2, C=2, H=5, W=4, num_filters=3)
    x_pad = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    namespace = {}
    with layer_stand_ins(namespace, params, x, y):
        a1 = namespace["conv2d_fast"](x, params["w1"], params["b1"], padding=1)
        np.testing.assert_array_equal(namespace["conv2d_fast"](x_pad, params["w1"], params["b1"]), a1)
        da1 = np.random.default_rng(3).standard_normal(a1.shape)
        dx, dw, db = namespace["conv2d_backward_fast"](da1, x, params["w1"], padding=1)
        dx_pad, dw_pad, db_pad = namespace["conv2d_backward_fast"](da1, x_pad, params["w1"], padding=0)
        with pytest.raises(AssertionError, match="already zero-padded"):
            namespace["conv2d_fast"](x_pad, params["w1"], params["b1"], padding=1)
    want = torch_conv_grads(da1, x_pad, params["w1"])
    assert dx_pad.shape == x_pad.shape
    for got, expected in zip((dx_pad, dw_pad, db_pad), want):
        np.testing.assert_allclose(got, expected, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(dx_pad[:, :, 1:-1, 1:-1], dx, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(dw_pad, dw, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(db_pad, db, rtol=1e-8, atol=1e-12)


def test_the_convnet_mistakes_are_what_those_wrong_backward_passes_compute():
    params, x, y = small_network(np.random.default_rng(1), N=3, C=2, H=4, W=6, num_filters=3)
    _, _, want = torch_convnet(params, x, y)
    mistakes = convnet_grad_mistakes(params, x, y, want)
    # A backward pass that forgets the ReLU's mask, written out in NumPy with the stand-ins' layers.
    namespace = {}
    with layer_stand_ins(namespace, params, x, y):
        a1 = namespace["conv2d_fast"](x, params["w1"], params["b1"], padding=1)
        pooled = namespace["max_pool2d"](np.maximum(a1, 0), 2)
        scores = pooled.reshape(len(x), -1) @ params["w2"] + params["b2"]
        _, dscores = namespace["softmax_cross_entropy"](scores, y)
        da1 = namespace["max_pool2d_backward"]((dscores @ params["w2"].T).reshape(pooled.shape),
                                               np.maximum(a1, 0), 2)
        _, dw1, db1 = namespace["conv2d_backward_fast"](da1, x, params["w1"], padding=1)
    (relu_hint,) = mistakes["w1"]
    assert "ReLU" in relu_hint and not np.allclose(mistakes["w1"][relu_hint], want["w1"])
    np.testing.assert_allclose(mistakes["w1"][relu_hint], dw1, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(mistakes["b1"][relu_hint], db1, rtol=1e-8, atol=1e-12)
    transposed, twice = mistakes["w2"].values()
    np.testing.assert_array_equal(transposed, want["w2"].T)
    # dscores already holds the 1/N of the mean: a second 1/N gives N times too small a gradient
    np.testing.assert_allclose(twice, (pooled.reshape(len(x), -1).T @ dscores) / len(x), rtol=1e-10)
    (b2_twice,) = mistakes["b2"].values()
    np.testing.assert_allclose(b2_twice, dscores.mean(axis=0), rtol=1e-10)


def test_the_loss_mistakes_and_a_loss_that_is_not_one_number():
    scores, y = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 0.0]]), np.array([0, 2])
    loss, _ = torch_cross_entropy(scores, y)
    summed, every_pair = cross_entropy_loss_mistakes(scores, y).values()
    assert summed == pytest.approx(2 * loss)
    log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    assert every_pair == pytest.approx(-log_probs[:, y].mean())
    assert scalar_loss(np.array([0.5]), "f") == 0.5
    with pytest.raises(AssertionError, match=r"has shape \(2,\): it should be one number"):
        scalar_loss(np.array([0.4, 1.1]), "f")
    with pytest.raises(AssertionError, match="ValueError .* 7x5. With an odd H or W"):
        with odd_size_errors(np.zeros((2, 1, 7, 5))):
            np.zeros(24).reshape(2, 35)


def test_the_cross_entropy_mistakes_are_the_sum_and_the_log_sum_exp_term_alone():
    rng = np.random.default_rng(2)
    scores, y = rng.standard_normal((4, 5)), np.array([0, 3, 3, 1])
    loss, dscores = torch_cross_entropy(scores, y)
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.log(probs[np.arange(4), y]).mean())
    of_the_sum, without_first_term = cross_entropy_gradient_mistakes(scores, y).values()
    np.testing.assert_allclose(of_the_sum, 4 * dscores, rtol=1e-12)
    np.testing.assert_allclose(without_first_term, probs / 4, rtol=1e-12)


def test_the_conv_mistakes_swap_dw_s_kernel_axes_and_pad_one_side():
    dw = np.arange(24.0).reshape(2, 1, 3, 4)
    (swapped,) = conv_gradient_mistakes("dw", dw).values()
    assert swapped.shape == (2, 1, 4, 3) and swapped[1, 0, 3, 2] == dw[1, 0, 2, 3]
    assert conv_gradient_mistakes("dx", dw) == {}
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((2, 3, 8, 6)), rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(4)
    assert len(conv_output_mistakes(x, w, b, 2, 0)) == 1, "without padding, no one-sided padding to name"
    (top_left,) = (value for hint, value in conv_output_mistakes(x, w, b, 2, 1).items()
                   if "top and left" in hint)
    (flipped,) = (value for hint, value in conv_output_mistakes(x, w, b, 2, 0).items() if "flipped" in hint)
    assert flipped[1, 3, 2, 1] == pytest.approx((x[1, :, 4:7, 2:4] * w[3, :, ::-1, ::-1]).sum() + b[3])
    shifted = np.zeros((2, 3, 9, 7))
    shifted[:, :, 1:, 1:] = x
    i, j = 2, 1  # one output, by hand: the window at (2 * i, 2 * j) of the top-left padded input
    assert top_left.shape == (2, 4, 4, 3)
    assert top_left[1, 3, i, j] == pytest.approx((shifted[1, :, 4:7, 2:4] * w[3]).sum() + b[3])


def test_torch_conv_grads_match_numeric_gradients_and_keep_the_dtype():
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((2, 2, 5, 4)), rng.standard_normal((3, 2, 3, 2))
    dout = rng.standard_normal((2, 3, 3, 3))  # stride 2, padding 1: a 3x3 output
    dx, dw, db = torch_conv_grads(dout, x, w, stride=2, padding=1)

    def conv(a, b):
        return F.conv2d(torch.tensor(a), torch.tensor(b), stride=2, padding=1).numpy()

    tolerance = {"rtol": 1e-5, "atol": 1e-7}
    np.testing.assert_allclose(dx, numeric_gradient(lambda a: conv(a, w), x.copy(), dout), **tolerance)
    np.testing.assert_allclose(dw, numeric_gradient(lambda b: conv(x, b), w.copy(), dout), **tolerance)
    np.testing.assert_allclose(db, dout.sum(axis=(0, 2, 3)))
    assert {g.dtype for g in torch_conv_grads(dout.astype(np.float32), x.astype(np.float32),
                                              w.astype(np.float32), 2, 1)} == {np.dtype(np.float32)}
