# %% [markdown]
# # 04 · Backpropagation through a convolution, and making it fast
#
# **Week 7: Convolutional Neural Networks, notebook 4 of 12.**
#
# Notebooks 01 and 02 computed a convolution layer's forward pass. To *train* a ConvNet we also
# need its backward pass: how the loss changes with the layer's input, filters and biases. In
# this notebook you derive and write that backward pass, check it numerically and against
# PyTorch's autograd, then rewrite forward and backward without Python loops so that they are
# hundreds of times faster. Finally you train a small ConvNet written entirely in NumPy on real
# handwritten digits, with your own functions.
#
# **Learning goals**
# 1. Derive the gradients of a convolution with respect to its input, filters and bias, with
#    stride and zero padding: `conv2d_backward(dout, x, w, stride=1, padding=0)`.
# 2. Verify a backward pass with a centred-difference gradient check and with torch autograd.
# 3. Turn a convolution into one matrix multiply (im2col, `sliding_window_view`) and write
#    `conv2d_fast` and `conv2d_backward_fast`.
# 4. Time code properly: warm-up, repeats, the median, and the same number of threads.
# 5. Train conv → ReLU → pool → fully connected → softmax with SGD in NumPy and look at the
#    filters it learns.
#
# **How this notebook works.** Run the cells in order. Write your code where it says
# `YOUR CODE HERE` and delete the `raise NotImplementedError()` line. The test cell after an
# exercise checks your answer at once and says what is wrong. When you submit, hidden tests also
# compare your functions with PyTorch on random shapes, strides and paddings, so make them correct
# in general, not only for the visible examples. Test cells call your functions with PyTorch
# switched off: the exercises are written in NumPy.

# %%
# Setup: imports, seeding, and which mode and data this run uses.
import numpy as np
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

from cs_utils.checks import assert_close, rel_error
from cs_utils.data import describe_dataset, load_digits, load_mnist_subset
from cs_utils.gradcheck import numeric_gradient
from cs_utils.plotting import plot_history, show_filters
from cs_utils.runtime import describe_run, is_quick, reset_seed
from cs_utils.timing import benchmark

SEED = 0
reset_seed(SEED)
DATASET = "digits" if is_quick() else "mnist5k"  # quick mode trains on the 8x8 digits
describe_run(f"small random arrays; {DATASET} for the ConvNet", SEED)
print(describe_dataset(DATASET))

# %% [markdown]
# ## 1. The forward pass we start from
#
# Everything below is checked against a forward pass, and the forward pass is yours: paste your
# `conv2d` with stride and padding from notebook 02 into the next cell (the body only; keep the
# signature). No test grades it here, but the demos and experiments of this notebook call it, and
# your fast version in section 4 is timed against it. As a reminder of what it computes: for every
# image `n`, filter `f` and output position `(i, j)`, the window of the zero-padded input that
# starts at row `i * stride` and column `j * stride` is multiplied by the filter and summed:
#
# $$\text{out}[n, f, i, j] = b[f] + \sum_{c,\,k,\,l} x_{\text{pad}}[n, c,\, s i + k,\, s j + l]\; w[f, c, k, l],$$
#
# with output size $H' = (H + 2P - HH)/S + 1$ (rounded down), and the same for $W'$. The next code
# cell compares it with `F.conv2d`, so you know at once whether your paste works.

# %% solution="conv2d_naive"
import numpy as np


def conv2d(x, w, b=None, stride=1, padding=0):
    """Naive forward pass of a convolution layer: your notebook 02 answer, pasted here.

    x: (N, C, H, W), w: (F, C, HH, WW), b: (F,) or None.
    Returns out: (N, F, H', W') with H' = (H + 2 * padding - HH) // stride + 1, and W' alike.
    """
    ### BEGIN SOLUTION
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out = (H + 2 * padding - HH) // stride + 1
    W_out = (W + 2 * padding - WW) // stride + 1
    out = np.zeros((N, F, H_out, W_out), dtype=np.result_type(x, w, np.float64))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    top, left = i * stride, j * stride
                    out[n, f, i, j] = np.sum(x_pad[n, :, top:top + HH, left:left + WW] * w[f])
            if b is not None:
                out[n, f] += b[f]
    return out
    ### END SOLUTION

# %%
rng = np.random.default_rng(SEED)
x = rng.standard_normal((2, 3, 7, 7))
w = rng.standard_normal((4, 3, 3, 3))
b = rng.standard_normal(4)
for stride, padding in [(1, 0), (2, 1)]:
    out = conv2d(x, w, b, stride=stride, padding=padding)
    reference = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b),
                         stride=stride, padding=padding).numpy()
    print(f"stride {stride}, padding {padding}: output {out.shape}, "
          f"largest difference from F.conv2d {np.abs(out - reference).max():.1e}")

# %% [markdown]
# ## 2. The backward pass of a convolution
#
# During training, the layer receives `dout`, the gradient of the loss with respect to its
# output, with the output's shape `(N, F, H', W')`. It must return the gradients with respect to
# its three inputs: `dx` (shape of `x`), `dw` (shape of `w`) and `db` (shape of `b`).
#
# Look at one term of the forward sum: `x_pad[n, c, s·i + k, s·j + l] · w[f, c, k, l]` feeds
# `out[n, f, i, j]`. By the chain rule, every such term sends `dout[n, f, i, j]` times the *other*
# factor back to each factor. Adding over all the places where a number was used:
#
# * **bias**: $b[f]$ is added to every output of map $f$, in every image, so
#   $$db[f] = \sum_{n,\,i,\,j} \text{dout}[n, f, i, j] .$$
# * **filters**: $w[f, c, k, l]$ met the input pixel under it at every position, so
#   $$dw[f, c, k, l] = \sum_{n,\,i,\,j} \text{dout}[n, f, i, j]\; x_{\text{pad}}[n, c,\, s i + k,\, s j + l] .$$
#   Written for a whole filter: `dw[f] += dout[n, f, i, j] * window`, where `window` is the
#   input patch that produced `out[n, f, i, j]`.
# * **input**: each pixel of `x_pad` sits in several windows, so it collects one term from each:
#   `dx_pad[n, :, window] += dout[n, f, i, j] * w[f]`. The windows start at `(s·i, s·j)`, so
#   **the stride matters in the backward pass too**. Finally, the padding was never part of `x`:
#   **crop it**, `dx = dx_pad[:, :, P:P+H, P:P+W]`.
#
# A worked example to check by hand, with one channel, no padding, stride 1 and `dout` all ones:
#
# $$x = \begin{bmatrix}1&2&3\\4&5&6\\7&8&9\end{bmatrix}, \quad
# w = \begin{bmatrix}1&2\\0&-1\end{bmatrix}, \quad
# \text{dout} = \begin{bmatrix}1&1\\1&1\end{bmatrix}.$$
#
# * $db = 1 + 1 + 1 + 1 = 4$.
# * $dw[k, l]$ is the sum of the four windows' pixel at offset $(k, l)$:
#   $dw = \begin{bmatrix}1+2+4+5 & 2+3+5+6\\4+5+7+8 & 5+6+8+9\end{bmatrix} = \begin{bmatrix}12&16\\24&28\end{bmatrix}$.
# * $dx[r, c]$ adds the filter taps that touched pixel $(r, c)$. The centre pixel was under all
#   four taps ($1 + 2 + 0 - 1 = 2$), the top-left corner only under $w[0, 0] = 1$:
#   $dx = \begin{bmatrix}1&3&2\\1&2&1\\0&-1&-1\end{bmatrix}$.
#
# With **stride 2** on a 4×4 input, the 2×2 windows do not overlap, so `dx` is simply the filter
# pasted into each window and scaled by that window's `dout`. For `dout` = [[1, 2], [3, 4]]:
#
# $$dx = \begin{bmatrix}1&2&2&4\\0&-1&0&-2\\3&6&4&8\\0&-3&0&-4\end{bmatrix}.$$

# %% [markdown]
# ### Exercise 1: `conv2d_backward(dout, x, w, stride=1, padding=0)`
#
# Implement the backward pass with loops, following the formulas above.
#
# * `dout`: upstream gradient, shape `(N, F, H', W')`
# * `x`, `w`: the forward pass's input `(N, C, H, W)` and filters `(F, C, HH, WW)`
# * `stride`, `padding`: as in the forward pass
# * returns `(dx, dw, db)` with the shapes of `x`, `w` and `(F,)`
#
# Take `H'` and `W'` from `dout.shape`. Work on the padded input and crop `dx` at the end.
# Return float arrays and do not modify the inputs.

# %% solution="conv2d_backward"
import numpy as np


def conv2d_backward(dout, x, w, stride=1, padding=0):
    """Naive backward pass of a convolution layer.

    dout: (N, F, H', W'), x: (N, C, H, W), w: (F, C, HH, WW).
    Returns (dx, dw, db) with shapes (N, C, H, W), (F, C, HH, WW) and (F,).
    """
    ### BEGIN SOLUTION
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    p = padding
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dtype = np.result_type(dout, x, w, np.float64)
    dx_pad = np.zeros(x_pad.shape, dtype=dtype)
    dw = np.zeros(w.shape, dtype=dtype)
    db = np.sum(dout, axis=(0, 2, 3)).astype(dtype)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    r, c = i * stride, j * stride   # where this window starts
                    g = dout[n, f, i, j]
                    dw[f] += g * x_pad[n, :, r:r + HH, c:c + WW]
                    dx_pad[n, :, r:r + HH, c:c + WW] += g * w[f]
    dx = dx_pad[:, :, p:p + H, p:p + W]
    return dx, dw, db
    ### END SOLUTION

# %% tests="test_conv2d_backward_db" points=1
# db adds dout over everything except the filter axis: images, rows and columns.
import numpy as np
from cs_utils.checks import assert_close, assert_shape, numpy_only

x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
w = np.array([[[[1.0, 2.0], [0.0, -1.0]]]])
with numpy_only("conv2d_backward"):
    _, _, db = conv2d_backward(np.ones((1, 1, 2, 2)), x, w)
assert_close(db, np.array([4.0]), "db on the worked 3x3 example (dout all ones)")

rng = np.random.default_rng(4)
x = rng.standard_normal((3, 2, 6, 5))
w = rng.standard_normal((4, 2, 3, 3))
dout = rng.standard_normal((3, 4, 4, 3))
with numpy_only("conv2d_backward"):
    _, _, db = conv2d_backward(dout, x, w)
assert_shape(db, (4,), "db for 4 filters (one bias per filter)")
assert_close(db, dout.sum(axis=(0, 2, 3)), "db with dout (3, 4, 4, 3): the sum of dout over images, rows "
             "and columns")
print("db is the sum of dout over the batch and both spatial axes.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)  # undo any monkey-patching of the checks by student code
rng = np.random.default_rng(4041)
for trial in range(8):
    N, C, F_out, HH, WW = rng.integers(1, 4, size=5)
    stride, padding = int(rng.integers(1, 3)), int(rng.integers(0, 2))
    H, W = HH + rng.integers(0, 4), WW + rng.integers(0, 4)
    x, w = rng.standard_normal((N, C, H, W)), rng.standard_normal((F_out, C, HH, WW))
    H_out, W_out = (H + 2 * padding - HH) // stride + 1, (W + 2 * padding - WW) // stride + 1
    dout = rng.standard_normal((N, F_out, H_out, W_out))
    with checks.numpy_only("conv2d_backward"):
        _, _, db = conv2d_backward(dout, x, w, stride=stride, padding=padding)
    checks.assert_close(db, dout.sum(axis=(0, 2, 3)), f"db with dout {dout.shape}, stride {stride}, padding {padding}")
### END HIDDEN TESTS

# %% tests="test_conv2d_backward_stride1" points=2
# dx and dw with stride 1 and no padding: the worked example, torch autograd and a numeric check.
import numpy as np
import torch
import torch.nn.functional as F
from cs_utils.checks import assert_close, call_torch, numpy_only
from cs_utils.gradcheck import numeric_gradient


def torch_conv_grads(dout, x, w, stride=1, padding=0):
    """(dx, dw, db) of sum(conv2d(x, w, b) * dout), from torch autograd in float64."""
    x_t, w_t = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    b_t = torch.zeros(w.shape[0], dtype=torch.float64, requires_grad=True)
    F.conv2d(x_t, w_t, b_t, stride=stride, padding=padding).backward(torch.tensor(dout))
    return x_t.grad.numpy(), w_t.grad.numpy(), b_t.grad.numpy()


x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
w = np.array([[[[1.0, 2.0], [0.0, -1.0]]]])
with numpy_only("conv2d_backward"):
    dx, dw, _ = conv2d_backward(np.ones((1, 1, 2, 2)), x, w)
assert_close(dx, np.array([[[[1.0, 3.0, 2.0], [1.0, 2.0, 1.0], [0.0, -1.0, -1.0]]]]), "dx on the worked 3x3 example")
assert_close(dw, np.array([[[[12.0, 16.0], [24.0, 28.0]]]]), "dw on the worked 3x3 example")

# Several images, channels and filters, and a non-square filter (a transposed dw cannot pass).
rng = np.random.default_rng(5)
x = rng.standard_normal((2, 3, 6, 5))
w = rng.standard_normal((4, 3, 3, 2))
dout = rng.standard_normal((2, 4, 4, 4))
with numpy_only("conv2d_backward"):
    dx, dw, _ = conv2d_backward(dout, x, w)
dx_ref, dw_ref, _ = torch_conv_grads(dout, x, w)
assert_close(dx, dx_ref, "dx vs torch autograd, x (2, 3, 6, 5), w (4, 3, 3, 2)")
assert_close(dw, dw_ref, "dw vs torch autograd, x (2, 3, 6, 5), w (4, 3, 3, 2)")

# The numeric gradient of sum(F.conv2d(x, w) * dout) needs no backward formula at all.
x_small, w_small = x[:1, :2, :4, :4].copy(), w[:2, :2].copy()
dout_small = rng.standard_normal((1, 2, 2, 3))
dx_num = numeric_gradient(lambda v: call_torch(F.conv2d, v, w_small), x_small, dout_small)
dw_num = numeric_gradient(lambda v: call_torch(F.conv2d, x_small, v), w_small, dout_small)
with numpy_only("conv2d_backward"):
    dx, dw, _ = conv2d_backward(dout_small, x_small, w_small)
assert_close(dx, dx_num, "dx vs the numeric gradient", rtol=1e-5, atol=1e-7)
assert_close(dw, dw_num, "dw vs the numeric gradient", rtol=1e-5, atol=1e-7)
print("dx and dw match the worked example, torch autograd and the numeric gradient (stride 1, no padding).")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(4042)
for trial in range(10):
    N, C, F_out = rng.integers(1, 4, size=3)
    HH, WW = rng.integers(1, 5, size=2)
    H, W = HH + rng.integers(0, 5), WW + rng.integers(0, 5)
    x, w = rng.standard_normal((N, C, H, W)), rng.standard_normal((F_out, C, HH, WW))
    dout = rng.standard_normal((N, F_out, H - HH + 1, W - WW + 1))
    x_before, w_before, dout_before = x.copy(), w.copy(), dout.copy()
    with checks.numpy_only("conv2d_backward"):
        got_dx, got_dw, _ = conv2d_backward(dout, x, w)
    want_dx, want_dw, _ = torch_conv_grads(dout, x, w)
    label = f"trial {trial}: x {x.shape}, w {w.shape}, stride 1, no padding"
    checks.assert_close(got_dx, want_dx, f"dx, {label}")
    checks.assert_close(got_dw, want_dw, f"dw, {label}")
    for name, now, before in [("x", x, x_before), ("w", w, w_before), ("dout", dout, dout_before)]:
        checks.assert_close(now, before, f"{name} after conv2d_backward ({label}): inputs must not be modified")
### END HIDDEN TESTS

# %% tests="test_conv2d_backward_padding" points=1
# Zero padding: compute on the padded input, then crop dx back to the shape of x.
import numpy as np
import torch
import torch.nn.functional as F
from cs_utils.checks import assert_close, numpy_only


def torch_conv_grads(dout, x, w, stride=1, padding=0):
    """(dx, dw, db) of sum(conv2d(x, w, b) * dout), from torch autograd in float64."""
    x_t, w_t = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    b_t = torch.zeros(w.shape[0], dtype=torch.float64, requires_grad=True)
    F.conv2d(x_t, w_t, b_t, stride=stride, padding=padding).backward(torch.tensor(dout))
    return x_t.grad.numpy(), w_t.grad.numpy(), b_t.grad.numpy()


rng = np.random.default_rng(6)
x = rng.standard_normal((2, 2, 5, 4))
w = rng.standard_normal((3, 2, 3, 3))
dout = rng.standard_normal((2, 3, 5, 4))  # padding 1 keeps the 5x4 size
with numpy_only("conv2d_backward"):
    dx, dw, _ = conv2d_backward(dout, x, w, padding=1)
if np.shape(dx) == (2, 2, 7, 6):
    raise AssertionError("dx has the shape of the padded input (2, 2, 7, 6); crop the padding: "
                         "dx = dx_pad[:, :, P:P+H, P:P+W]")
dx_ref, dw_ref, _ = torch_conv_grads(dout, x, w, padding=1)
assert_close(dx, dx_ref, "dx vs torch autograd with padding 1, x (2, 2, 5, 4), w (3, 2, 3, 3)")
assert_close(dw, dw_ref, "dw vs torch autograd with padding 1, x (2, 2, 5, 4), w (3, 2, 3, 3)")
print("conv2d_backward handles zero padding.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(4043)
for trial in range(10):
    N, C, F_out = rng.integers(1, 4, size=3)
    HH, WW = rng.integers(1, 5, size=2)
    padding = int(rng.integers(1, 3))
    H, W = max(1, HH - 2 * padding) + rng.integers(0, 4), max(1, WW - 2 * padding) + rng.integers(0, 4)
    x, w = rng.standard_normal((N, C, H, W)), rng.standard_normal((F_out, C, HH, WW))
    dout = rng.standard_normal((N, F_out, H + 2 * padding - HH + 1, W + 2 * padding - WW + 1))
    with checks.numpy_only("conv2d_backward"):
        got_dx, got_dw, _ = conv2d_backward(dout, x, w, stride=1, padding=padding)
    want_dx, want_dw, _ = torch_conv_grads(dout, x, w, padding=padding)
    label = f"trial {trial}: x {x.shape}, w {w.shape}, stride 1, padding {padding}"
    checks.assert_close(got_dx, want_dx, f"dx, {label}")
    checks.assert_close(got_dw, want_dw, f"dw, {label}")
### END HIDDEN TESTS

# %% tests="test_conv2d_backward_stride" points=2
# Stride: the window for dout[n, f, i, j] starts at (stride * i, stride * j), in the backward pass too.
import numpy as np
import torch
import torch.nn.functional as F
from cs_utils.checks import assert_close, numpy_only


def torch_conv_grads(dout, x, w, stride=1, padding=0):
    """(dx, dw, db) of sum(conv2d(x, w, b) * dout), from torch autograd in float64."""
    x_t, w_t = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    b_t = torch.zeros(w.shape[0], dtype=torch.float64, requires_grad=True)
    F.conv2d(x_t, w_t, b_t, stride=stride, padding=padding).backward(torch.tensor(dout))
    return x_t.grad.numpy(), w_t.grad.numpy(), b_t.grad.numpy()


# The worked stride-2 example: non-overlapping windows, so dx is the filter pasted and scaled.
w = np.array([[[[1.0, 2.0], [0.0, -1.0]]]])
with numpy_only("conv2d_backward"):
    dx, _, _ = conv2d_backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), np.zeros((1, 1, 4, 4)), w, stride=2)
expected = np.array([[[[1.0, 2.0, 2.0, 4.0], [0.0, -1.0, 0.0, -2.0], [3.0, 6.0, 4.0, 8.0], [0.0, -3.0, 0.0, -4.0]]]])
assert_close(dx, expected, "dx on the worked stride-2 example (is the stride used in the backward pass?)")

rng = np.random.default_rng(7)
for stride, padding, size in [(2, 0, (7, 6)), (3, 1, (8, 7)), (2, 1, (6, 6))]:
    x = rng.standard_normal((2, 2) + size)
    w = rng.standard_normal((3, 2, 3, 2))
    H_out = (size[0] + 2 * padding - 3) // stride + 1
    W_out = (size[1] + 2 * padding - 2) // stride + 1
    dout = rng.standard_normal((2, 3, H_out, W_out))
    with numpy_only("conv2d_backward"):
        dx, dw, _ = conv2d_backward(dout, x, w, stride=stride, padding=padding)
    dx_ref, dw_ref, _ = torch_conv_grads(dout, x, w, stride=stride, padding=padding)
    label = f"x {x.shape}, w (3, 2, 3, 2), stride {stride}, padding {padding}"
    assert_close(dx, dx_ref, f"dx vs torch autograd, {label}")
    assert_close(dw, dw_ref, f"dw vs torch autograd, {label}")
print("conv2d_backward handles strides, with and without padding.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(4044)
for trial in range(12):
    N, C, F_out = rng.integers(1, 4, size=3)
    HH, WW = rng.integers(1, 5, size=2)
    stride, padding = int(rng.integers(2, 4)), int(rng.integers(0, 3))
    H, W = max(1, HH - 2 * padding) + rng.integers(0, 6), max(1, WW - 2 * padding) + rng.integers(0, 6)
    x, w = rng.standard_normal((N, C, H, W)), rng.standard_normal((F_out, C, HH, WW))
    H_out, W_out = (H + 2 * padding - HH) // stride + 1, (W + 2 * padding - WW) // stride + 1
    dout = rng.standard_normal((N, F_out, H_out, W_out))
    with checks.numpy_only("conv2d_backward"):
        got_dx, got_dw, _ = conv2d_backward(dout, x, w, stride=stride, padding=padding)
    want_dx, want_dw, _ = torch_conv_grads(dout, x, w, stride=stride, padding=padding)
    label = f"trial {trial}: x {x.shape}, w {w.shape}, stride {stride}, padding {padding}"
    checks.assert_close(got_dx, want_dx, f"dx, {label}")
    checks.assert_close(got_dw, want_dw, f"dw, {label}")
### END HIDDEN TESTS

# %% [markdown]
# ### The gradient check, step by step
#
# The tests compared your gradients with two independent references. The first needs no
# calculus: nudge one input number by $\pm h$, rerun the forward pass, and measure the change of
# $L = \sum \text{out} \cdot \text{dout}$:
#
# $$\frac{\partial L}{\partial x_k} \approx \frac{L(x + h e_k) - L(x - h e_k)}{2h} .$$
#
# `cs_utils.gradcheck.numeric_gradient` does exactly this, two forward passes per number, so it is
# only usable on tiny arrays. The error of the centred difference shrinks like $h^2$; in float64,
# with $h = 10^{-6}$, a correct backward pass agrees to a relative error of about $10^{-8}$ or better,
# while a bug usually gives $10^{-1}$ or more.

# %% tags=["experiment"]
rng = np.random.default_rng(SEED)
x = rng.standard_normal((2, 2, 5, 5))
w = rng.standard_normal((3, 2, 3, 3))
b = rng.standard_normal(3)
stride, padding = 2, 1
dout = rng.standard_normal(conv2d(x, w, b, stride, padding).shape)

dx, dw, db = conv2d_backward(dout, x, w, stride, padding)
dx_num = numeric_gradient(lambda v: conv2d(v, w, b, stride, padding), x, dout)
dw_num = numeric_gradient(lambda v: conv2d(x, v, b, stride, padding), w, dout)
db_num = numeric_gradient(lambda v: conv2d(x, w, v, stride, padding), b, dout)
for name, ours, numeric in [("dx", dx, dx_num), ("dw", dw, dw_num), ("db", db, db_num)]:
    print(f"{name}: relative error vs the numeric gradient {rel_error(ours, numeric):.1e}")

# %% [markdown]
# ## 3. Making it fast: a convolution is one matrix multiply
#
# The loops above run `N·F·H'·W'` tiny NumPy operations, each with a few microseconds of Python
# overhead. For one batch of 64 CIFAR-sized images with 64 filters that is more than four
# million steps. The fix is to hand NumPy a few *large* operations instead.
#
# **im2col.** Cut out every window the filter visits and lay each one out as a row: a matrix
# with `N·H'·W'` rows and `C·HH·WW` columns. Flatten each filter into a column of a
# `(C·HH·WW, F)` matrix. Then every output value is one row times one column, and the whole layer
# is **one matrix multiply**, which NumPy hands to an optimized BLAS library. The price is
# memory: every input pixel is copied into up to `HH·WW` rows.
#
# `numpy.lib.stride_tricks.sliding_window_view` builds the windows as a *view* (no copy): for an
# axis of length 4 and a window of 2 it returns the 3 overlapping windows. Slicing the view with
# `[::stride]` keeps every `stride`-th window. The copy happens only when you reshape the view
# into a matrix (or when `np.einsum` / `np.tensordot` does that for you).

# %%
from numpy.lib.stride_tricks import sliding_window_view

image = np.arange(16.0).reshape(1, 1, 4, 4)               # (N, C, H, W)
windows = sliding_window_view(image, (2, 2), axis=(2, 3))  # (N, C, H', W', HH, WW), a view
print("windows", windows.shape, "shares memory with the image:", np.shares_memory(windows, image))
print("the window at output position (1, 2):\n", windows[0, 0, 1, 2])
print("with stride 2 only", windows[:, :, ::2, ::2].shape[2:4], "positions remain")

# The whole convolution as one contraction over (channel, kernel row, kernel column).
w = np.array([[[[1.0, 2.0], [0.0, -1.0]]]])
out = np.einsum("nchwkl,fckl->nfhw", windows, w)
print("einsum result:\n", out[0, 0])
print("same as the loops:", np.allclose(out, conv2d(image, w)))

# %% [markdown]
# ### Exercise 2: `conv2d_fast(x, w, b=None, stride=1, padding=0)`
#
# Same contract and same results as `conv2d`, without Python loops over images or output
# positions. A sketch:
#
# 1. pad `x` with `np.pad`;
# 2. take the windows with `sliding_window_view` and keep every `stride`-th one;
# 3. contract windows and filters over `(C, HH, WW)` with `np.einsum`, `np.tensordot` or an
#    explicit im2col matrix and `@`;
# 4. return the result as `(N, F, H', W')` and add the bias.
#
# A loop over the `HH·WW` kernel offsets is allowed (it does not grow with the image), and so is
# a loop over blocks of images (section 5 shows why it can even be faster); a loop over pixels is
# not, and a test checks that. The tests also run a float32 input, for which
# the output must stay float32 (no float64 upcast): do not hard-code a dtype.

# %% solution="conv2d_fast"
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_fast(x, w, b=None, stride=1, padding=0):
    """Vectorized forward pass of a convolution layer: same contract as conv2d.

    x: (N, C, H, W), w: (F, C, HH, WW), b: (F,) or None. Returns out: (N, F, H', W').
    """
    ### BEGIN SOLUTION
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    p = padding
    # Channels last, zero-padded: (N, H + 2p, W + 2p, C).
    x_nhwc = np.pad(x.transpose(0, 2, 3, 1), ((0, 0), (p, p), (p, p), (0, 0)))
    # Every HHxWW window, every `stride`-th one: a view (N, H', W', C, HH, WW).
    windows = sliding_window_view(x_nhwc, (HH, WW), axis=(1, 2))[:, ::stride, ::stride]
    H_out, W_out = windows.shape[1:3]
    w_cols = w.transpose(2, 3, 1, 0).reshape(HH * WW * C, F)
    out = np.empty((N, H_out, W_out, F), dtype=np.result_type(x, w))
    # A few images per im2col matrix: small enough to stay in the CPU cache, where the whole
    # batch's matrix would travel to main memory and back (see section 5).
    images_per_block = 4
    for start in range(0, N, images_per_block):
        block = windows[start:start + images_per_block]
        # im2col: one row per output position, columns ordered (kernel row, kernel column, channel).
        cols = block.transpose(0, 1, 2, 4, 5, 3).reshape(-1, HH * WW * C)
        out[start:start + images_per_block] = (cols @ w_cols).reshape(-1, H_out, W_out, F)
    out = out.transpose(0, 3, 1, 2)
    if b is not None:
        out = out + b.reshape(1, F, 1, 1)
    return out
    ### END SOLUTION

# %% tests="test_conv2d_fast_stride1" points=1
# Stride 1, no padding: the values of torch.nn.functional.conv2d.
import numpy as np
import torch.nn.functional as F
from cs_utils.checks import assert_close, call_torch, numpy_only

x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
w = np.array([[[[1.0, 2.0], [0.0, -1.0]]]])
with numpy_only("conv2d_fast"):
    out = conv2d_fast(x, w)
assert_close(out, np.array([[[[0.0, 2.0], [6.0, 8.0]]]]), "conv2d_fast on notebook 01's worked 3x3 example")

rng = np.random.default_rng(8)
x = rng.standard_normal((2, 3, 9, 7))
w = rng.standard_normal((4, 3, 3, 2))
b = rng.standard_normal(4)
with numpy_only("conv2d_fast"):
    out = conv2d_fast(x, w, b)
assert_close(out, call_torch(F.conv2d, x, w, b), "conv2d_fast vs F.conv2d, x (2, 3, 9, 7), w (4, 3, 3, 2)")
with numpy_only("conv2d_fast"):
    out = conv2d_fast(x, w)
assert_close(out, call_torch(F.conv2d, x, w), "conv2d_fast without a bias, x (2, 3, 9, 7), w (4, 3, 3, 2)")
print("conv2d_fast agrees with F.conv2d at stride 1 without padding.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(4045)
for trial in range(10):
    N, C, F_out = rng.integers(1, 4, size=3)
    HH, WW = rng.integers(1, 5, size=2)
    x = rng.standard_normal((N, C, HH + rng.integers(0, 6), WW + rng.integers(0, 6)))
    w, b = rng.standard_normal((F_out, C, HH, WW)), rng.standard_normal(F_out)
    x_before, w_before = x.copy(), w.copy()
    with checks.numpy_only("conv2d_fast"):
        got = conv2d_fast(x, w, b)
    label = f"trial {trial}: x {x.shape}, w {w.shape}, stride 1, no padding"
    checks.assert_close(got, checks.call_torch(F.conv2d, x, w, b), f"conv2d_fast, {label}")
    checks.assert_close(x, x_before, f"x after conv2d_fast ({label}): the input must not be modified")
    checks.assert_close(w, w_before, f"w after conv2d_fast ({label}): the filters must not be modified")
### END HIDDEN TESTS

# %% tests="test_conv2d_fast_stride_padding" points=2
# Any stride and padding, including sizes where the last stride does not fit exactly, and float32.
import numpy as np
import torch.nn.functional as F
from cs_utils.checks import assert_close, call_torch, numpy_only

rng = np.random.default_rng(9)
for stride, padding, size in [(2, 0, (7, 7)), (2, 1, (8, 6)), (3, 2, (9, 10)), (1, 2, (4, 5))]:
    x = rng.standard_normal((2, 3) + size)
    w = rng.standard_normal((4, 3, 3, 2))
    b = rng.standard_normal(4)
    with numpy_only("conv2d_fast"):
        out = conv2d_fast(x, w, b, stride=stride, padding=padding)
    assert_close(out, call_torch(F.conv2d, x, w, b, stride=stride, padding=padding),
                 f"conv2d_fast vs F.conv2d, x {x.shape}, w (4, 3, 3, 2), stride {stride}, padding {padding}")

x32, w32 = x.astype(np.float32), w.astype(np.float32)
with numpy_only("conv2d_fast"):
    out = conv2d_fast(x32, w32, stride=2, padding=1)
assert_close(out, call_torch(F.conv2d, x32, w32, stride=2, padding=1), "conv2d_fast on float32 input (the "
             "output must stay float32)", rtol=1e-4, atol=1e-5)
print("conv2d_fast handles strides and padding.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(4046)
for trial in range(20):
    N, C, F_out = rng.integers(1, 4, size=3)
    HH, WW = rng.integers(1, 6, size=2)
    stride, padding = int(rng.integers(1, 4)), int(rng.integers(0, 3))
    H, W = max(1, HH - 2 * padding) + rng.integers(0, 7), max(1, WW - 2 * padding) + rng.integers(0, 7)
    x, w = rng.standard_normal((N, C, H, W)), rng.standard_normal((F_out, C, HH, WW))
    b = rng.standard_normal(F_out) if trial % 3 else None
    with checks.numpy_only("conv2d_fast"):
        got = conv2d_fast(x, w, b, stride=stride, padding=padding)
    label = f"trial {trial}: x {x.shape}, w {w.shape}, stride {stride}, padding {padding}"
    checks.assert_close(got, checks.call_torch(F.conv2d, x, w, b, stride=stride, padding=padding),
                        f"conv2d_fast, {label}")
### END HIDDEN TESTS

# %% tests="test_conv2d_fast_vectorized" points=1
# No Python loop over output positions: the number of notebook lines run must not grow with the image.
import sys

import numpy as np
import torch
import torch.nn.functional as F
from cs_utils.checks import assert_close, call_torch, numpy_only


def notebook_lines_run(fn, *args, **kwargs):
    """fn(*args, **kwargs) and how many lines of notebook code it ran (NumPy's own work is not counted)."""
    namespace, count = globals(), 0

    def tracer(frame, event, arg):
        nonlocal count
        if frame.f_globals is not namespace:
            return None
        if event == "line":
            count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        result = fn(*args, **kwargs)
    finally:
        sys.settrace(previous)
    return result, count


rng = np.random.default_rng(10)
w, b = rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3)
small, large = rng.standard_normal((2, 2, 6, 6)), rng.standard_normal((2, 2, 18, 18))
with numpy_only("conv2d_fast"):
    out_small, lines_small = notebook_lines_run(conv2d_fast, small, w, b, stride=1, padding=1)
    out_large, lines_large = notebook_lines_run(conv2d_fast, large, w, b, stride=1, padding=1)
assert_close(out_small, call_torch(F.conv2d, small, w, b, padding=1), "conv2d_fast, x (2, 2, 6, 6), padding 1")
assert_close(out_large, call_torch(F.conv2d, large, w, b, padding=1), "conv2d_fast, x (2, 2, 18, 18), padding 1")
if lines_large > lines_small + 10:
    raise AssertionError(f"conv2d_fast ran {lines_small} lines of Python for a 6x6 output and {lines_large} "
                         "for an 18x18 output: it still loops over output positions. Build the windows with "
                         "sliding_window_view and contract them with one einsum / tensordot / matrix multiply.")
print(f"conv2d_fast runs {lines_large} lines of Python whatever the image size: vectorized.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(4047)
w = rng.standard_normal((2, 3, 2, 3))
lines = {}
for size in ((7, 8), (29, 31)):
    x = rng.standard_normal((2, 3, *size))
    with checks.numpy_only("conv2d_fast"):
        out, lines[size] = notebook_lines_run(conv2d_fast, x, w, None, stride=2, padding=1)
    checks.assert_close(out, checks.call_torch(F.conv2d, x, w, stride=2, padding=1),
                        f"conv2d_fast, x {x.shape}, stride 2")
lines_small, lines_large = lines[(7, 8)], lines[(29, 31)]
assert lines_large <= lines_small + 10, (
    f"conv2d_fast with stride 2: {lines_small} lines of Python for a small image, {lines_large} for a large one")
### END HIDDEN TESTS

# %% [markdown]
# ## 4. The fast backward pass
#
# The same matrices give the backward pass. Call the im2col matrix `cols`, shape
# `(N·H'·W', C·HH·WW)`, the flattened filters `W_mat`, shape `(C·HH·WW, F)`, and lay `dout` out
# with one row per output position, `dout_rows`, shape `(N·H'·W', F)`. The forward pass was
# `out_rows = cols @ W_mat`, and a matrix product's gradients are again matrix products:
#
# * `dW_mat = cols.T @ dout_rows`, then reshape back to `(F, C, HH, WW)` (mind the order of the
#   axes you flattened: a transposed `dw` is the classic bug);
# * `db = dout.sum(axis=(0, 2, 3))`;
# * `dx`: the gradient of each copied window is `dout_rows @ W_mat.T`, and **col2im** adds every
#   window's gradient back where the window came from, since each pixel was copied into several
#   rows. You need not build that big matrix: the kernel offset `(k, l)` of all windows at once
#   covers one strided slice of the padded input, `dx_pad[:, :, k : k + s·H' : s, l : l + s·W' : s]`
#   (with the stride!), and each position receives `dout[n, :, i, j] @ w[:, :, k, l]`. Loop over
#   the `HH·WW` offsets, add each contribution to its slice, and finally crop the padding.
#
# `np.einsum` can do any of these contractions directly on the windows view, if you prefer.

# %% [markdown]
# ### Exercise 3: `conv2d_backward_fast(dout, x, w, stride=1, padding=0)`
#
# Same contract and results as `conv2d_backward`: return `(dx, dw, db)`, without Python loops
# over output positions (loops over the `HH·WW` kernel offsets or over blocks of images are fine). Keep the
# input's dtype, as in Exercise 2.

# %% solution="conv2d_backward_fast"
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_backward_fast(dout, x, w, stride=1, padding=0):
    """Vectorized backward pass of a convolution layer: same contract as conv2d_backward.

    dout: (N, F, H', W'), x: (N, C, H, W), w: (F, C, HH, WW).
    Returns (dx, dw, db) with shapes (N, C, H, W), (F, C, HH, WW) and (F,).
    """
    ### BEGIN SOLUTION
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    p, s = padding, stride
    x_nhwc = np.pad(x.transpose(0, 2, 3, 1), ((0, 0), (p, p), (p, p), (0, 0)))
    windows = sliding_window_view(x_nhwc, (HH, WW), axis=(1, 2))[:, ::s, ::s]
    dout_nhwc = dout.transpose(0, 2, 3, 1)
    dtype = np.result_type(dout, w)

    db = np.sum(dout, axis=(0, 2, 3))
    dw_cols = np.zeros((HH * WW * C, F), dtype=dtype)
    dx_pad = np.zeros(x_nhwc.shape, dtype=dtype)
    images_per_block = 4                          # as in conv2d_fast: im2col matrices that fit in cache
    for start in range(0, N, images_per_block):
        images = slice(start, start + images_per_block)
        # The forward pass's im2col matrix, columns ordered (kernel row, kernel column, channel).
        cols = windows[images].transpose(0, 1, 2, 4, 5, 3).reshape(-1, HH * WW * C)
        dout_rows = dout_nhwc[images].reshape(-1, F)
        dw_cols += cols.T @ dout_rows
        # col2im: offset (kh, kw), the text's (k, l), of every window covers one strided slice of the
        # padded input, which receives dout_rows @ w[:, :, kh, kw]. Add up the HH * WW contributions.
        for kh in range(HH):
            for kw in range(WW):
                contribution = (dout_rows @ w[:, :, kh, kw]).reshape(-1, H_out, W_out, C)
                dx_pad[images, kh:kh + s * H_out:s, kw:kw + s * W_out:s, :] += contribution
    dw = dw_cols.reshape(HH, WW, C, F).transpose(3, 2, 0, 1)
    dx = dx_pad[:, p:p + H, p:p + W, :].transpose(0, 3, 1, 2)
    return dx, dw, db
    ### END SOLUTION

# %% tests="test_conv2d_backward_fast_stride1" points=1
# Stride 1, no padding: dx, dw and db against torch autograd.
import numpy as np
import torch
import torch.nn.functional as F
from cs_utils.checks import assert_close, numpy_only


def torch_conv_grads(dout, x, w, stride=1, padding=0):
    """(dx, dw, db) of sum(conv2d(x, w, b) * dout), from torch autograd in float64."""
    x_t, w_t = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    b_t = torch.zeros(w.shape[0], dtype=torch.float64, requires_grad=True)
    F.conv2d(x_t, w_t, b_t, stride=stride, padding=padding).backward(torch.tensor(dout))
    return x_t.grad.numpy(), w_t.grad.numpy(), b_t.grad.numpy()


x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
w = np.array([[[[1.0, 2.0], [0.0, -1.0]]]])
with numpy_only("conv2d_backward_fast"):
    dx, dw, db = conv2d_backward_fast(np.ones((1, 1, 2, 2)), x, w)
assert_close(dx, np.array([[[[1.0, 3.0, 2.0], [1.0, 2.0, 1.0], [0.0, -1.0, -1.0]]]]), "dx on the worked 3x3 example")
assert_close(dw, np.array([[[[12.0, 16.0], [24.0, 28.0]]]]), "dw on the worked 3x3 example")
assert_close(db, np.array([4.0]), "db on the worked 3x3 example")

rng = np.random.default_rng(11)
x = rng.standard_normal((2, 3, 6, 5))
w = rng.standard_normal((4, 3, 3, 2))
dout = rng.standard_normal((2, 4, 4, 4))
with numpy_only("conv2d_backward_fast"):
    dx, dw, db = conv2d_backward_fast(dout, x, w)
for name, ours, reference in zip(("dx", "dw", "db"), (dx, dw, db), torch_conv_grads(dout, x, w)):
    assert_close(ours, reference, f"{name} vs torch autograd, x (2, 3, 6, 5), w (4, 3, 3, 2), stride 1")
print("conv2d_backward_fast agrees with torch autograd at stride 1 without padding.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(4048)
for trial in range(10):
    N, C, F_out = rng.integers(1, 4, size=3)
    HH, WW = rng.integers(1, 5, size=2)
    H, W = HH + rng.integers(0, 5), WW + rng.integers(0, 5)
    x, w = rng.standard_normal((N, C, H, W)), rng.standard_normal((F_out, C, HH, WW))
    dout = rng.standard_normal((N, F_out, H - HH + 1, W - WW + 1))
    x_before, w_before, dout_before = x.copy(), w.copy(), dout.copy()
    with checks.numpy_only("conv2d_backward_fast"):
        grads = conv2d_backward_fast(dout, x, w)
    label = f"trial {trial}: x {x.shape}, w {w.shape}, stride 1, no padding"
    for name, ours, reference in zip(("dx", "dw", "db"), grads, torch_conv_grads(dout, x, w)):
        checks.assert_close(ours, reference, f"{name}, {label}")
    for name, now, before in [("x", x, x_before), ("w", w, w_before), ("dout", dout, dout_before)]:
        checks.assert_close(now, before, f"{name} after conv2d_backward_fast ({label}): inputs must not be modified")
### END HIDDEN TESTS

# %% tests="test_conv2d_backward_fast_stride_padding" points=2
# Any stride and padding, and float32 in, float32 out.
import numpy as np
import torch
import torch.nn.functional as F
from cs_utils.checks import assert_close, numpy_only


def torch_conv_grads(dout, x, w, stride=1, padding=0):
    """(dx, dw, db) of sum(conv2d(x, w, b) * dout), from torch autograd (in the inputs' dtype)."""
    x_t, w_t = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    b_t = torch.zeros(w.shape[0], dtype=w_t.dtype, requires_grad=True)
    F.conv2d(x_t, w_t, b_t, stride=stride, padding=padding).backward(torch.tensor(dout))
    return x_t.grad.numpy(), w_t.grad.numpy(), b_t.grad.numpy()


rng = np.random.default_rng(12)
for stride, padding, size in [(1, 1, (5, 4)), (2, 0, (7, 6)), (3, 1, (8, 7)), (2, 2, (6, 6))]:
    x = rng.standard_normal((2, 2) + size)
    w = rng.standard_normal((3, 2, 3, 2))
    H_out = (size[0] + 2 * padding - 3) // stride + 1
    W_out = (size[1] + 2 * padding - 2) // stride + 1
    dout = rng.standard_normal((2, 3, H_out, W_out))
    with numpy_only("conv2d_backward_fast"):
        grads = conv2d_backward_fast(dout, x, w, stride=stride, padding=padding)
    label = f"x {x.shape}, w (3, 2, 3, 2), stride {stride}, padding {padding}"
    if np.shape(grads[0]) == (2, 2, size[0] + 2 * padding, size[1] + 2 * padding) and padding:
        raise AssertionError(f"dx has the shape of the padded input ({label}); crop the padding")
    for name, ours, reference in zip(("dx", "dw", "db"), grads, torch_conv_grads(dout, x, w, stride, padding)):
        assert_close(ours, reference, f"{name} vs torch autograd, {label}")

x32, w32, dout32 = x.astype(np.float32), w.astype(np.float32), dout.astype(np.float32)
with numpy_only("conv2d_backward_fast"):
    grads = conv2d_backward_fast(dout32, x32, w32, stride=2, padding=2)
for name, ours, reference in zip(("dx", "dw", "db"), grads, torch_conv_grads(dout32, x32, w32, 2, 2)):
    assert_close(ours, reference, f"{name} for float32 inputs (must stay float32)", rtol=1e-4, atol=1e-5)
print("conv2d_backward_fast handles strides and padding.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(4049)
for trial in range(20):
    N, C, F_out = rng.integers(1, 4, size=3)
    HH, WW = rng.integers(1, 6, size=2)
    stride, padding = int(rng.integers(1, 4)), int(rng.integers(0, 3))
    H, W = max(1, HH - 2 * padding) + rng.integers(0, 7), max(1, WW - 2 * padding) + rng.integers(0, 7)
    x, w = rng.standard_normal((N, C, H, W)), rng.standard_normal((F_out, C, HH, WW))
    H_out, W_out = (H + 2 * padding - HH) // stride + 1, (W + 2 * padding - WW) // stride + 1
    dout = rng.standard_normal((N, F_out, H_out, W_out))
    with checks.numpy_only("conv2d_backward_fast"):
        got = conv2d_backward_fast(dout, x, w, stride=stride, padding=padding)
    label = f"trial {trial}: x {x.shape}, w {w.shape}, stride {stride}, padding {padding}"
    for name, ours, reference in zip(("dx", "dw", "db"), got, torch_conv_grads(dout, x, w, stride, padding)):
        checks.assert_close(ours, reference, f"{name}, {label}")
### END HIDDEN TESTS

# %% tests="test_conv2d_backward_fast_vectorized" points=1
# No Python loop over images or output positions in the backward pass either.
import sys

import numpy as np
import torch
import torch.nn.functional as F
from cs_utils.checks import assert_close, call_torch, numpy_only


def notebook_lines_run(fn, *args, **kwargs):
    """fn(*args, **kwargs) and how many lines of notebook code it ran (NumPy's own work is not counted)."""
    namespace, count = globals(), 0

    def tracer(frame, event, arg):
        nonlocal count
        if frame.f_globals is not namespace:
            return None
        if event == "line":
            count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        result = fn(*args, **kwargs)
    finally:
        sys.settrace(previous)
    return result, count


def torch_conv_grads(dout, x, w, stride=1, padding=0):
    """(dx, dw, db) of sum(conv2d(x, w, b) * dout), from torch autograd in float64."""
    x_t, w_t = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    b_t = torch.zeros(w.shape[0], dtype=torch.float64, requires_grad=True)
    F.conv2d(x_t, w_t, b_t, stride=stride, padding=padding).backward(torch.tensor(dout))
    return x_t.grad.numpy(), w_t.grad.numpy(), b_t.grad.numpy()


rng = np.random.default_rng(13)
w = rng.standard_normal((3, 2, 3, 3))
lines = {}
for size in (6, 18):
    x, dout = rng.standard_normal((2, 2, size, size)), rng.standard_normal((2, 3, size, size))
    with numpy_only("conv2d_backward_fast"):
        grads, lines[size] = notebook_lines_run(conv2d_backward_fast, dout, x, w, padding=1)
    for name, ours, reference in zip(("dx", "dw", "db"), grads, torch_conv_grads(dout, x, w, padding=1)):
        assert_close(ours, reference, f"{name}, x {x.shape}, padding 1")
lines_small, lines_large = lines[6], lines[18]
if lines_large > lines_small + 10:
    raise AssertionError(f"conv2d_backward_fast ran {lines_small} lines of Python for a 6x6 output and "
                         f"{lines_large} for an 18x18 output: it still loops over output positions. Use matrix "
                         "products for dw and dx, and loop (at most) over the HH*WW kernel offsets in col2im.")
print(f"conv2d_backward_fast runs {lines_large} lines of Python whatever the image size: vectorized.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(4050)
w = rng.standard_normal((2, 3, 2, 3))
lines = {}
for size, out_size in [((7, 8), (4, 4)), ((29, 31), (15, 16))]:
    x, dout = rng.standard_normal((2, 3) + size), rng.standard_normal((2, 2) + out_size)
    with checks.numpy_only("conv2d_backward_fast"):
        grads, lines[size] = notebook_lines_run(conv2d_backward_fast, dout, x, w, stride=2, padding=1)
    for name, ours, reference in zip(("dx", "dw", "db"), grads, torch_conv_grads(dout, x, w, 2, 1)):
        checks.assert_close(ours, reference, f"{name}, x {x.shape}, stride 2, padding 1")
lines_small, lines_large = lines[(7, 8)], lines[(29, 31)]
assert lines_large <= lines_small + 10, (
    f"conv2d_backward_fast with stride 2: {lines_small} lines of Python for a small image, "
    f"{lines_large} for a large one")
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Timing code properly
#
# "How fast is it?" has a surprisingly slippery answer. Time the same call a few times in a row
# and the numbers differ: the first call pays for memory allocation and cold caches, and every
# call competes with whatever else the machine is doing.

# %% tags=["experiment"]
import time

rng = np.random.default_rng(SEED)
x = rng.standard_normal((16, 8, 32, 32)).astype(np.float32)
w = rng.standard_normal((8, 8, 3, 3)).astype(np.float32)
single_runs = []
for _ in range(6):
    start = time.perf_counter()
    conv2d_fast(x, w, padding=1)
    single_runs.append(time.perf_counter() - start)
print("six timings of the same call (ms):", ", ".join(f"{t * 1e3:.2f}" for t in single_runs))

# %% [markdown]
# Four rules make timings trustworthy:
#
# 1. **Warm up.** Run the code once or twice before timing it, so that one-off costs (allocating
#    memory, loading libraries, filling caches, on a GPU compiling and autotuning kernels) are not
#    counted.
# 2. **Repeat, and report the median.** One measurement is noise. The median of several ignores
#    the odd run that was slowed down by something else; the minimum is optimistic, the mean is
#    dragged up by outliers.
# 3. **Use a clock made for it.** `time.perf_counter()` (what `%timeit` uses) has sub-microsecond
#    resolution. On a GPU, call `torch.cuda.synchronize()` before reading it, since kernels run
#    asynchronously.
# 4. **Same threads for everyone.** NumPy's matrix multiply (BLAS) and PyTorch both use several
#    threads. Comparing a 1-thread run with a 4-thread run measures the threads, not the code.
#    `threadpoolctl.threadpool_limits` and `torch.set_num_threads` pin both to the same count.
#
# `cs_utils.timing.benchmark(fn, warmup, repeats)` applies rules 1–3 and returns the median. Below
# we time the naive loops, your vectorized functions and PyTorch's `F.conv2d` on the same float32
# problem, each pinned to one thread. The naive loops are slow, so the problem is small.

# %% tags=["experiment"]
from threadpoolctl import threadpool_limits

rng = np.random.default_rng(SEED)
N, C, F_out, size = (4, 8, 8, 16) if is_quick() else (16, 16, 16, 32)
x = rng.standard_normal((N, C, size, size)).astype(np.float32)
w = rng.standard_normal((F_out, C, 3, 3)).astype(np.float32)
b = rng.standard_normal(F_out).astype(np.float32)
dout = rng.standard_normal((N, F_out, size, size)).astype(np.float32)
x_t, w_t, b_t, dout_t = (torch.from_numpy(a) for a in (x, w, b, dout))


def torch_backward():
    xg, wg, bg = (a.clone().requires_grad_() for a in (x_t, w_t, b_t))
    F.conv2d(xg, wg, bg, padding=1).backward(dout_t)


candidates = {
    ("forward", "naive loops"): lambda: conv2d(x, w, b, padding=1),
    ("forward", "conv2d_fast"): lambda: conv2d_fast(x, w, b, padding=1),
    ("forward", "F.conv2d"): lambda: F.conv2d(x_t, w_t, b_t, padding=1),
    ("backward", "naive loops"): lambda: conv2d_backward(dout, x, w, padding=1),
    ("backward", "conv2d_backward_fast"): lambda: conv2d_backward_fast(dout, x, w, padding=1),
    ("backward", "torch autograd"): torch_backward,
}
threads_before = torch.get_num_threads()
torch.set_num_threads(1)
timings = {}
with threadpool_limits(limits=1):
    for key, fn in candidates.items():
        slow = key[1] == "naive loops"
        timings[key] = benchmark(fn, warmup=1, repeats=3 if slow else 20)["median_s"]
torch.set_num_threads(threads_before)

print(f"x {x.shape}, w {w.shape}, padding 1, float32, one thread each; median times:")
for (direction, name), seconds in timings.items():
    speedup = timings[(direction, "naive loops")] / seconds
    note = f"{speedup:7.0f}x faster than the loops" if name != "naive loops" else ""
    print(f"  {direction:8s} {name:22s} {seconds * 1e3:9.3f} ms   {note}")

# %% tags=["experiment"]
fig, ax = plt.subplots(figsize=(7, 3))
labels = [f"{d}: {n}" for d, n in timings]
ax.barh(labels, [t * 1e3 for t in timings.values()], color=["C3", "C0", "C2"] * 2)
ax.set_xscale("log")
ax.set_xlabel("median time (ms, log scale)")
ax.invert_yaxis()
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 1. Median time of one convolution layer's forward and backward pass on a small float32
# batch, one thread each. The x-axis is logarithmic: each grid line is a factor of ten.*
#
# Removing the Python loops buys two to three orders of magnitude. How the vectorized versions then
# compare with PyTorch depends on the machine and on the size of the layer, so read the printed
# times rather than a rule: on a batch this small, fixed costs per call (PyTorch's dispatch, and
# for the backward the autograd graph) weigh as much as the arithmetic, and the NumPy version can
# come out level with PyTorch or even ahead of it. On large layers im2col's memory traffic (it
# copies every pixel `HH·WW` times) starts to dominate, and PyTorch's hand-tuned kernels, which
# never build that matrix, usually pull ahead.
#
# Memory traffic is also why the reference `conv2d_fast` builds its im2col matrix for **four
# images at a time**. For the whole batch of the benchmark layer below (64 images, 64 channels,
# 32×32, 3×3 filters) the matrix would have 65,536 rows and 576 columns: 151 MB of float32,
# written to main memory and read back for the multiply. Four images' worth, 9 MB, mostly stays
# in the processor's cache while the multiply reads it; on the course's 2-core test machine that
# made the forward pass about 1.6× faster. The arithmetic is the same; only the order of the work
# changed. (On the tiny batch above both versions are equally fast.) `benchmarks/conv_numpy_vs_torch.py`
# runs the same comparison on a realistic layer (64 images, 64→64 channels, 32×32) and
# `benchmarks/RESULTS.md` records the numbers.
#
# ## 6. Training a ConvNet written in NumPy
#
# Time to use the layer. The network is the smallest ConvNet with every piece from the lecture:
#
# `CONV (3×3, 16 filters, padding 1) → ReLU → MAX POOL 2×2 → FC → SOFTMAX`
#
# Max pooling, ReLU and the softmax loss are given below (notebook 03 covers pooling). The
# convolution uses **your** `conv2d_fast` and `conv2d_backward_fast`. Every `forward` stores what
# its `backward` needs, and the backward pass runs the layers in reverse order.

# %%
def max_pool_2x2(x):
    """2x2 max pooling with stride 2 for even H and W: (N, C, H, W) -> (N, C, H/2, W/2)."""
    N, C, H, W = x.shape
    return x.reshape(N, C, H // 2, 2, W // 2, 2).max(axis=(3, 5))


def max_pool_2x2_backward(dout, x, out):
    """Route each gradient to the maximum of its window; on a tie, only to the first maximum in
    row-major order (notebook 03's rule, and PyTorch's). `out` is the forward output (unused here)."""
    N, C, H, W = x.shape
    # (N, C, H/2, W/2, 4): the four values of each window, in row-major order
    windows = x.reshape(N, C, H // 2, 2, W // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(N, C, H // 2, W // 2, 4)
    first_max = windows.argmax(axis=-1)                 # argmax returns the first maximum on ties
    dwindows = (np.arange(4) == first_max[..., None]) * dout[..., None]
    return dwindows.reshape(N, C, H // 2, W // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(x.shape)


def softmax_cross_entropy(scores, y):
    """Mean cross-entropy loss of class scores (N, K) for labels y (N,), and its gradient."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(y)
    loss = -log_probs[np.arange(n), y].mean()
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1
    return loss, dscores / n


def init_convnet(image_size, num_filters=16, num_classes=10, rng=None, dtype=np.float32):
    """He-initialised weights of CONV(3x3, pad 1) -> ReLU -> POOL 2x2 -> FC."""
    rng = rng if rng is not None else np.random.default_rng(0)
    fc_inputs = num_filters * (image_size // 2) ** 2
    params = {"w1": rng.standard_normal((num_filters, 1, 3, 3)) * np.sqrt(2 / 9),
              "b1": np.zeros(num_filters),
              "w2": rng.standard_normal((fc_inputs, num_classes)) * np.sqrt(1 / fc_inputs),
              "b2": np.zeros(num_classes)}
    return {name: value.astype(dtype) for name, value in params.items()}


def convnet_scores(params, x):
    """Forward pass: class scores (N, 10) and the intermediate values the backward pass needs."""
    a1 = conv2d_fast(x, params["w1"], params["b1"], padding=1)  # CONV
    r1 = np.maximum(a1, 0)                                      # ReLU
    p1 = max_pool_2x2(r1)                                       # POOL
    scores = p1.reshape(len(x), -1) @ params["w2"] + params["b2"]  # FC
    return scores, (a1, r1, p1)


def convnet_loss_and_grads(params, x, y):
    """Loss of a batch and the gradient of every parameter, by backpropagation."""
    scores, (a1, r1, p1) = convnet_scores(params, x)
    loss, dscores = softmax_cross_entropy(scores, y)
    grads = {"w2": p1.reshape(len(x), -1).T @ dscores, "b2": dscores.sum(axis=0)}
    dp1 = (dscores @ params["w2"].T).reshape(p1.shape)
    dr1 = max_pool_2x2_backward(dp1, r1, p1)
    da1 = dr1 * (a1 > 0)
    _, grads["w1"], grads["b1"] = conv2d_backward_fast(da1, x, params["w1"], padding=1)
    return loss, grads

# %%
# The pool backward follows notebook 03's tie rule: a window of four equal values sends its whole
# gradient to the first one, as PyTorch does.
tie = np.ones((1, 1, 2, 2))
tie_t = torch.ones((1, 1, 2, 2), dtype=torch.float64, requires_grad=True)
F.max_pool2d(tie_t, 2).sum().backward()
print("gradient of max_pool_2x2 on a tied window, ours: ", max_pool_2x2_backward(np.ones((1, 1, 1, 1)), tie,
                                                                                max_pool_2x2(tie)).ravel())
print("                                          torch: ", tie_t.grad.numpy().ravel())

# %% [markdown]
# Before training, check the whole network's gradient numerically, exactly as for one layer: on
# a tiny float64 batch, nudge every filter weight and compare. If this check fails, training would
# still "run", just badly, which is much harder to debug.

# %% tags=["experiment"]
rng = np.random.default_rng(SEED)
tiny_params = init_convnet(6, num_filters=3, rng=rng, dtype=np.float64)
tiny_x, tiny_y = rng.standard_normal((4, 1, 6, 6)), rng.integers(0, 10, size=4)
_, tiny_grads = convnet_loss_and_grads(tiny_params, tiny_x, tiny_y)
for name in ("w1", "b1", "w2"):
    def loss_of(value, name=name):
        return convnet_loss_and_grads({**tiny_params, name: value}, tiny_x, tiny_y)[0]
    numeric = numeric_gradient(loss_of, tiny_params[name].copy())
    print(f"{name}: relative error of backprop vs numeric gradient {rel_error(tiny_grads[name], numeric):.1e}")

# %% [markdown]
# Now the data. In quick mode we use scikit-learn's 1,797 digits (8×8 pixels); the full run uses
# 5,000 real 28×28 MNIST digits. Pixels are standardised with the training set's mean and
# standard deviation, and the test images are never trained on.

# %%
if DATASET == "digits":
    images, labels = load_digits()
    n_test, epochs, learning_rate = 497, 6, 0.1
else:
    images, labels = load_mnist_subset()
    n_test, epochs, learning_rate = 1000, 10, 0.05
images = images.astype(np.float32)
order = np.random.default_rng(SEED).permutation(len(images))
images, labels = images[order], labels[order]
x_train, y_train = images[:-n_test], labels[:-n_test]
x_test, y_test = images[-n_test:], labels[-n_test:]
mean, std = x_train.mean(), x_train.std()
x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
print(f"{DATASET}: train {x_train.shape}, test {x_test.shape}, {epochs} epochs, learning rate {learning_rate}")

# %% [markdown]
# The training loop is plain minibatch SGD: shuffle, then for every batch of 32 images compute the
# loss and gradients and step every parameter against its gradient. The last, incomplete batch of
# each epoch is dropped (PyTorch's `DataLoader(drop_last=True)`): with 1,300 training digits it would
# hold only 20 images, and a single step on it ends the epoch, just before the accuracy is measured.
# The matrices here are small, so one BLAS thread is faster than several threads handing tiny pieces
# back and forth (rule 4 again: measure it before you believe it).

# %% tags=["experiment"]
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm


def accuracy(params, x, y):
    return float(np.mean(convnet_scores(params, x)[0].argmax(axis=1) == y))


rng = np.random.default_rng(SEED)
params = init_convnet(x_train.shape[-1], num_filters=16, rng=rng)
batch_size = 32
history = {"train_loss": [], "train_acc": [], "test_acc": []}
start = time.perf_counter()
with threadpool_limits(limits=1):
    for epoch in tqdm(range(epochs), desc="epochs"):
        batch_losses = []
        order_epoch = rng.permutation(len(x_train))
        for first in range(0, len(x_train) - batch_size + 1, batch_size):  # drop the incomplete last batch
            batch = order_epoch[first:first + batch_size]
            loss, grads = convnet_loss_and_grads(params, x_train[batch], y_train[batch])
            for name in params:
                params[name] -= learning_rate * grads[name]
            batch_losses.append(loss)
        history["train_loss"].append(float(np.mean(batch_losses)))
        history["train_acc"].append(accuracy(params, x_train, y_train))
        history["test_acc"].append(accuracy(params, x_test, y_test))
print(f"{time.perf_counter() - start:.1f} s; final train accuracy {history['train_acc'][-1]:.3f}, "
      f"test accuracy {history['test_acc'][-1]:.3f}")
assert history["test_acc"][-1] >= 0.9, "the ConvNet should reach at least 90% test accuracy; check your functions"

# %% tags=["experiment"]
fig = plot_history(history, title="NumPy ConvNet, minibatch SGD")
plt.show()

# %% [markdown]
# *Figure 2. Training loss (left) and accuracy on the training and test images (right), one
# point per epoch. The test accuracy stays close to the training accuracy: with one small
# convolution layer the network has few parameters to overfit with. Mind the accuracy axis: it
# does not start at 0, so a step of one point looks large. Each point is a snapshot taken after
# the epoch's last SGD step, and at learning rate 0.1 one step can move the accuracy by a few
# points in either direction, which explains a dip of a point or so between epochs. Before we
# dropped the 20-image last batch, a single step on it cut the accuracy from about 0.96 to 0.84
# at the end of epoch 3, and the next step restored it: that was noise, not a trend.*

# %% tags=["experiment"]
fig = show_filters(params["w1"], ncols=8, size=1.0, suptitle="learned first-layer filters (3x3)")
plt.show()

# %% [markdown]
# *Figure 3. The 16 learned 3×3 filters (red positive, blue negative, each on its own symmetric
# scale). Nine weights leave little room for shapes you could name: every filter mixes positive and
# negative weights, and some put a blue side against a red one, a crude difference across the
# filter like notebook 01's Sobel filters, but none is a clean edge or stroke detector. Filters
# this small, learned on 8×8 digits, are judged by what the network does with them (the test
# accuracy above), not by their look; notebook 01's hand-set filters were chosen to be readable.*
#
# ## Summary
#
# * A convolution's backward pass reuses the forward windows: `db` sums `dout` over images and
#   positions, `dw` correlates the input with `dout`, and `dx` spreads `dout · w` back over each
#   window. Stride decides where the windows start in both directions, and `dx` is cropped to
#   remove the padding.
# * Check every backward pass numerically (centred differences on a tiny float64 problem) and
#   against an independent implementation such as torch autograd.
# * im2col turns a convolution into one matrix multiply. `sliding_window_view` gives the windows
#   as a view; the speedup over Python loops is hundreds of times, at the cost of memory.
# * Time with warm-up, several repeats, the median, and the same number of threads on both sides.
# * With these pieces a ConvNet trained with plain SGD in NumPy recognises digits; its 3×3
#   first-layer filters are small signed difference patterns rather than clean, nameable detectors.
#
# **Next:** notebook 05 takes convolution to one dimension (sequences and text) and three
# (volumes and video).
