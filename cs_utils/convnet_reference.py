"""Torch references for notebook 04's tests: the softmax loss, and its small ConvNet
(``convnet_loss_and_grads``: CONV 3x3 pad 1 -> ReLU -> 2x2 max pool -> FC -> softmax) with NumPy
stand-ins for its layer functions, so that the network's tests check its wiring alone, against torch
autograd in float64.

``small_network`` draws the parameters and data of a test, ``torch_convnet`` computes what the
network should give, and ``layer_stand_ins`` swaps the student's layer functions for ones that answer
from torch's results, so that a mistake in a layer exercise costs only that exercise's points.
``torch_conv_grads`` and ``torch_cross_entropy`` give the layers' gradients. The ``..._mistakes``
functions give what common wrong answers compute, each by torch with the mistake made, so that a
test can name it.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import numpy as np
import torch
import torch.nn.functional as F


def torch_convnet(params, x, y, relu_gradient_everywhere: bool = False):
    """Scores, mean loss and parameter gradients of the network, from torch autograd in float64.

    With ``relu_gradient_everywhere`` the ReLU still computes max(a1, 0), but its backward pass lets
    the gradient through where a1 <= 0 as well: what a backward pass without the ReLU's mask gives.
    """
    t = {name: torch.tensor(value, requires_grad=True) for name, value in params.items()}
    a1 = F.conv2d(torch.tensor(x), t["w1"], t["b1"], padding=1)
    r1 = torch.relu(a1)
    if relu_gradient_everywhere:
        r1 = a1 + (r1 - a1).detach()
    pooled = F.max_pool2d(r1, 2)
    scores = pooled.reshape(len(x), -1) @ t["w2"] + t["b2"]
    loss = F.cross_entropy(scores, torch.tensor(y))
    loss.backward()
    return scores.detach().numpy(), loss.item(), {name: value.grad.numpy() for name, value in t.items()}


def convnet_grad_mistakes(params, x, y, want: dict) -> dict:
    """{parameter name: {hint: what a common mistake gives for its gradient}}; ``want`` is
    ``torch_convnet``'s gradients."""
    _, _, through_relu = torch_convnet(params, x, y, relu_gradient_everywhere=True)
    relu_hint = ("The gradient also goes back through the ReLU where the conv output a1 is negative; there "
                 "the ReLU's output stays 0 whatever a1 does, so no gradient passes")
    transposed_hint = ("grads['w2'] is w2's gradient transposed: a gradient has its parameter's shape, so "
                       "check the order of the matrix product")
    twice_hint = ("This gradient is N times too small: dscores from softmax_cross_entropy already holds "
                  "the 1/N of the mean loss, so the FC layer's gradients are plain sums over the images, "
                  "not means")
    n = len(x)
    return {"b2": {twice_hint: want["b2"] / n},
            "w2": {transposed_hint: want["w2"].T, twice_hint: want["w2"] / n},
            "b1": {relu_hint: through_relu["b1"]}, "w1": {relu_hint: through_relu["w1"]}}


def scalar_loss(loss, function: str) -> float:
    """``loss`` as a float; an AssertionError naming ``function`` when it is not one number."""
    if np.size(loss) != 1:
        raise AssertionError(f"the loss returned by {function} has shape {np.shape(loss)}: it should be one "
                             "number, the mean of the N per-image losses L_n")
    try:
        return float(np.asarray(loss).reshape(()))
    except (TypeError, ValueError):
        raise AssertionError(f"the loss returned by {function} is a {type(loss).__name__}, "
                             "not a number") from None


def cross_entropy_loss_mistakes(scores, y) -> dict:
    """{hint: the loss a common mistake gives}, each computed by torch with that mistake made."""
    s, t = torch.tensor(scores), torch.tensor(y)
    summed = F.cross_entropy(s, t, reduction="sum").item()
    every_pair = -torch.log_softmax(s, dim=1)[:, t].mean().item()   # scores[:, y], an (N, N) block
    return {"The loss is the sum of the N per-image losses: L is their mean, so divide by N": summed,
            "The loss averages -log p[n, y[m]] over every pair of images (n, m): scores[:, y] picks every "
            "image's score at every label, an (N, N) block. Index with scores[np.arange(N), y]": every_pair}


def conv_output_mistakes(x, w, b, stride: int, padding: int) -> dict:
    """{hint: what a common mistake gives} for conv2d(x, w, b, stride, padding)'s output."""
    bias = None if b is None else torch.tensor(b)
    w_flipped = torch.tensor(np.ascontiguousarray(np.asarray(w)[:, :, ::-1, ::-1]))
    flipped = F.conv2d(torch.tensor(x), w_flipped, bias, stride=stride, padding=padding).numpy()
    mistakes = {("This is the output with each filter flipped (w[:, :, ::-1, ::-1]), a convolution in the "
                 "textbook sense: a CNN layer, like F.conv2d, multiplies each window by w as it is "
                 "(cross-correlation)"): flipped}
    if padding:
        top_left = np.pad(x, ((0, 0), (0, 0), (padding, 0), (padding, 0)))
        one_sided = F.conv2d(torch.tensor(top_left), torch.tensor(w), bias, stride=stride).numpy()
        hint = ("This is the output with the padding on the top and left edges only: padding P adds P zeros "
                "on *every* side, so the padded input is (H + 2P) x (W + 2P)")
        mistakes[hint] = one_sided
    return mistakes


def conv_gradient_mistakes(name: str, reference) -> dict:
    """{hint: what a common mistake gives} for a convolution's gradient ``name`` ("dx", "dw" or "db"),
    whose right value is ``reference``."""
    if name != "dw":
        return {}
    hint = ("dw has each filter's rows and columns swapped (dw[f, c, j, i] where dw[f, c, i, j] belongs): "
            "check the order of the kernel axes where dw is put back into the shape (F, C, HH, WW)")
    return {hint: np.swapaxes(reference, 2, 3)}


def torch_conv_grads(dout, x, w, stride: int = 1, padding: int = 0):
    """(dx, dw, db) of sum(conv2d(x, w, b) * dout), from torch autograd, in the inputs' dtype.

    dout: (N, F, H_out, W_out); x: (N, C, H, W); w: (F, C, HH, WW).
    """
    x_t, w_t = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    b_t = torch.zeros(w.shape[0], dtype=w_t.dtype, requires_grad=True)
    F.conv2d(x_t, w_t, b_t, stride=stride, padding=padding).backward(torch.tensor(dout))
    return x_t.grad.numpy(), w_t.grad.numpy(), b_t.grad.numpy()


def torch_cross_entropy(scores, y):
    """Mean cross-entropy and its gradient with respect to the scores, from torch autograd, in the
    scores' dtype."""
    s = torch.tensor(scores, requires_grad=True)
    loss = F.cross_entropy(s, torch.tensor(y))
    loss.backward()
    return loss.item(), s.grad.numpy()


def cross_entropy_gradient_mistakes(scores, y) -> dict:
    """{hint: the dscores a common mistake gives}, each from torch autograd of the loss with that mistake."""
    s = torch.tensor(scores, requires_grad=True)
    F.cross_entropy(s, torch.tensor(y), reduction="sum").backward()
    of_the_sum = s.grad.numpy()
    s = torch.tensor(scores, requires_grad=True)
    torch.logsumexp(s, dim=1).mean().backward()
    without_first_term = s.grad.numpy()
    sum_hint = ("This is the gradient of the *sum* of the N losses, N times too large: L is their mean, and "
                "the 1/N reaches every gradient")
    first_term_hint = ("This is the gradient of the log-sum-exp term alone: the first term of L_n, "
                       "-s[n, y_n], depends on the scores too, at each image's true class")
    return {sum_hint: of_the_sum, first_term_hint: without_first_term}


@contextlib.contextmanager
def layer_stand_ins(namespace: dict, params, images, labels) -> Iterator[None]:
    """Replace the layer functions in ``namespace`` (the notebook's ``globals()``) by NumPy stand-ins
    prepared by torch for these params, images, labels; put the student's back on leaving.

    A mistake in conv2d_fast, conv2d_backward_fast, softmax_cross_entropy or your pasted pooling
    then costs no points in convnet_loss_and_grads. A forward stand-in answers only for the input
    that a correct network gives it; a backward stand-in is the layer's Jacobian (computed by torch
    beforehand), so it answers for any upstream gradient.
    """
    jacobian = torch.autograd.functional.jacobian
    xt, w1, b1 = torch.tensor(images), torch.tensor(params["w1"]), torch.tensor(params["b1"])
    a1 = F.conv2d(xt, w1, b1, padding=1)
    pool_inputs = {"ReLU(conv)": torch.relu(a1), "the conv output": a1}
    scores = F.max_pool2d(pool_inputs["ReLU(conv)"], 2).reshape(len(images), -1) @ torch.tensor(params["w2"])
    scores = (scores + torch.tensor(params["b2"])).requires_grad_()
    loss = F.cross_entropy(scores, torch.tensor(labels))
    loss.backward()
    # Everything the stand-ins return is NumPy, prepared now: they run under numpy_only.
    conv_jac = [j.reshape(a1.numel(), -1).numpy()
                for j in jacobian(lambda *args: F.conv2d(*args, padding=1), (xt, w1, b1))]
    # A network may also zero-pad x itself and convolve that with padding 0: the same a1, dw and db,
    # and dx is then the gradient of the padded x (which the network crops, if it wants dx at all).
    padded_images = F.pad(xt, (1, 1, 1, 1)).numpy()
    padded_jac = jacobian(lambda xp: F.conv2d(xp, w1, b1), torch.tensor(padded_images))
    padded_jac = padded_jac.reshape(a1.numel(), -1).numpy()
    pool = {name: (v.numpy(), F.max_pool2d(v, 2).numpy(),
                   jacobian(lambda u: F.max_pool2d(u, 2), v).reshape(-1, v.numel()).numpy())
            for name, v in pool_inputs.items()}
    loss_value, scores_value, dscores = loss.item(), scores.detach().numpy(), scores.grad.numpy()
    # A network may leave the bias out of the conv call and add it afterwards, as well as pass it.
    a1_without_bias = F.conv2d(xt, w1, None, padding=1).numpy()
    a1 = a1.numpy()

    def same(got, want):
        return np.shape(got) == want.shape and np.allclose(got, want, rtol=1e-6, atol=1e-9)

    def check_conv(name, x, w, stride, padding):
        """Whether the call is on x padded by the network itself; fails on any call a correct network
        does not make."""
        self_padded = same(x, padded_images)
        if not ((self_padded or same(x, images)) and same(w, params["w1"])):
            raise AssertionError(f"{name} was called with other arrays than x (or x zero-padded by 1) and "
                                 "params['w1']")
        if self_padded and (stride, padding) != (1, 0):
            raise AssertionError(f"{name} was called on x already zero-padded by 1, with stride {stride}, "
                                 f"padding {padding}; the network's CONV layer has stride 1 and padding 1 "
                                 "in all, so a padded x takes padding=0 (or pass x itself with padding=1)")
        if not self_padded and (stride, padding) != (1, 1):
            raise AssertionError(f"{name} was called with stride {stride}, padding {padding}; the network's "
                                 "CONV layer has stride 1 and padding 1")
        return self_padded

    # The stand-ins take the arguments of the functions they replace, under the same names.
    def conv_forward(x, w, b=None, stride=1, padding=0):
        check_conv("conv2d_fast", x, w, stride, padding)
        if b is None:
            return a1_without_bias.copy()
        if not same(b, params["b1"]):
            raise AssertionError("conv2d_fast was called with another bias than params['b1'] (or None)")
        return a1.copy()

    def conv_backward(dout, x, w, stride=1, padding=0):
        self_padded = check_conv("conv2d_backward_fast", x, w, stride, padding)
        if np.shape(dout) != tuple(a1.shape):
            raise AssertionError(f"conv2d_backward_fast got dout of shape {np.shape(dout)}, expected "
                                 f"{tuple(a1.shape)}, the shape of the conv output")
        g = np.reshape(dout, -1)
        x_jac, x_shape = (padded_jac, padded_images.shape) if self_padded else (conv_jac[0], images.shape)
        shapes = (x_shape, params["w1"].shape, params["b1"].shape)
        return tuple((g @ j).reshape(shape) for j, shape in zip((x_jac, *conv_jac[1:]), shapes))

    def pool_input(name, x, kernel_size, stride):
        if kernel_size != 2 or stride not in (None, 2):
            raise AssertionError(f"{name} was called with kernel_size {kernel_size}, stride {stride}; the "
                                 "network pools 2x2 windows with stride 2")
        for which, (want, _, _) in pool.items():
            if same(x, want):
                return which
        raise AssertionError(f"{name} was called on an array that is not the pooling layer's input, "
                             "ReLU(conv output): check what you pass it")

    def pool_forward(x, kernel_size, stride=None):
        return pool[pool_input("max_pool2d", x, kernel_size, stride)][1].copy()

    def pool_backward(dout, x, kernel_size, stride=None):
        _, pooled, jac = pool[pool_input("max_pool2d_backward", x, kernel_size, stride)]
        if np.shape(dout) != pooled.shape:
            raise AssertionError(f"max_pool2d_backward got dout of shape {np.shape(dout)}, expected "
                                 f"{pooled.shape}, the shape of the pooled maps")
        return (np.reshape(dout, -1) @ jac).reshape(np.shape(x))

    def loss_forward(scores, y):
        if not same(scores, scores_value) or not np.array_equal(y, labels):
            raise AssertionError("softmax_cross_entropy was called with other scores than the network's "
                                 "(or other labels than y): check the forward pass")
        return loss_value, dscores.copy()

    replacements = {"conv2d_fast": conv_forward, "conv2d": conv_forward,
                    "conv2d_backward_fast": conv_backward, "conv2d_backward": conv_backward,
                    "max_pool2d": pool_forward, "max_pool2d_backward": pool_backward,
                    "softmax_cross_entropy": loss_forward}
    saved = {name: namespace[name] for name in replacements if name in namespace}
    namespace.update(replacements)
    try:
        yield
    finally:
        for name in replacements:
            namespace.pop(name, None)
        namespace.update(saved)


@contextlib.contextmanager
def odd_size_errors(images) -> Iterator[None]:
    """Turn a ValueError (a reshape that does not fit) raised in the block into an AssertionError that
    says what the 2x2 pool does to odd-sized ``images``."""
    H, W = np.shape(images)[2:]
    try:
        yield
    except ValueError as err:
        raise AssertionError(
            f"convnet_loss_and_grads raised ValueError ({err}) on images of size {H}x{W}. With an odd H or W "
            f"the 2x2 pool drops the last row or column: the pooled maps are (H // 2, W // 2) = ({H // 2}, "
            f"{W // 2}), so flat has F * (H // 2) * (W // 2) columns (mind the brackets: F * H // 2 * W // 2 "
            "is another number), and a pool by reshape must crop to even sizes first") from None


def small_network(rng, N, C, H, W, num_filters, num_classes=10):
    """Random float64 parameters, images and labels for a network of the given sizes."""
    params = {"w1": rng.standard_normal((num_filters, C, 3, 3)), "b1": rng.standard_normal(num_filters),
              "w2": rng.standard_normal((num_filters * (H // 2) * (W // 2), num_classes)) * 0.3,
              "b2": rng.standard_normal(num_classes)}
    return params, rng.standard_normal((N, C, H, W)), rng.integers(0, num_classes, size=N)
