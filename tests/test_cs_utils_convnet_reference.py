"""cs_utils.convnet_reference: notebook 04's ConvNet in torch, and the layer stand-ins its tests use."""

from __future__ import annotations

import numpy as np
import pytest

from cs_utils.convnet_reference import layer_stand_ins, small_network, torch_convnet


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
