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
# 5. Write a ConvNet's loss and gradients (conv → ReLU → pool → fully connected → softmax) from
#    your own layers, sanity-check it, train it with SGD in NumPy and look at the filters it learns.
# 6. Answer short questions: why `dx` is a transposed convolution, and how much work a layer does.
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
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64  # x's dtype, as PyTorch
    out = np.zeros((N, F, H_out, W_out), dtype=dtype)
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
# **Derive it from the computational graph.** The forward pass is only multiplications and
# additions. Draw it for a tiny case: every output `out[n, f, i, j]` is a `+` node fed by one `×`
# node per filter weight (and by the bias), and each `×` node multiplies one pixel of the padded
# input by one filter weight. Three rules of backpropagation are all you need:
#
# 1. a `+` node passes its upstream gradient unchanged to each of its inputs;
# 2. a `×` node `z = a · b` sends `dz · b` to `a` and `dz · a` to `b`;
# 3. a number used in several places (**fan-out**) adds up the gradients that come back from all
#    of them.
#
# So for every number in `x`, `w` and `b`, ask: *in which products did it take part, which output
# did each product feed, and what was it multiplied with?*
#
# **A worked example in 1D.** One channel, one filter, stride 1, no padding:
# $x = [1, 2, 3, 4]$, $w = [1, -1]$, a bias $b$, and upstream gradient $\text{dout} = [1, 2, 3]$.
# The graph has three outputs:
#
# $$\text{out}_0 = w_0 x_0 + w_1 x_1 + b, \qquad \text{out}_1 = w_0 x_1 + w_1 x_2 + b, \qquad
#   \text{out}_2 = w_0 x_2 + w_1 x_3 + b .$$
#
# * $b$ feeds all three `+` nodes: $db = 1 + 2 + 3 = 6$.
# * $w_0$ was multiplied with $x_0$ in $\text{out}_0$, with $x_1$ in $\text{out}_1$ and with
#   $x_2$ in $\text{out}_2$: $dw_0 = 1 \cdot 1 + 2 \cdot 2 + 3 \cdot 3 = 14$. Likewise
#   $dw_1 = 1 \cdot 2 + 2 \cdot 3 + 3 \cdot 4 = 20$.
# * $x_0$ took part in $\text{out}_0$ only, times $w_0$: $dx_0 = 1 \cdot 1 = 1$. $x_1$ took part
#   in $\text{out}_0$ (times $w_1$) and in $\text{out}_1$ (times $w_0$):
#   $dx_1 = 1 \cdot (-1) + 2 \cdot 1 = 1$. In the same way $dx_2 = 1$ and $dx_3 = 3 \cdot (-1) = -3$,
#   so $dx = [1, 1, 1, -3]$.
#
# **Your turn in 2D.** Ask the same three questions with four indices. Which windows contain the
# padded pixel at row $r$, column $q$, when window $(i, j)$ starts at row $s \cdot i$ and column
# $s \cdot j$? (The stride matters in the backward pass too.) The padding zeros were never part of
# `x`, so which part of the padded input's gradient is `dx`? Two small cases to check your
# reasoning against, both with one channel and one filter:
#
# $$x = \begin{bmatrix}1&2&3\\4&5&6\\7&8&9\end{bmatrix}, \quad
# w = \begin{bmatrix}1&2\\0&-1\end{bmatrix}, \quad
# \text{dout} = \begin{bmatrix}1&1\\1&1\end{bmatrix}
# \quad\text{(stride 1, no padding)}$$
#
# give $db = 4$, $dw = \begin{bmatrix}12&16\\24&28\end{bmatrix}$ and
# $dx = \begin{bmatrix}1&3&2\\1&2&1\\0&-1&-1\end{bmatrix}$. Work out at least the centre of `dx`
# and one entry of `dw` by hand before you code. With **stride 2** on a 4×4 input, the same
# filter and $\text{dout} = \begin{bmatrix}1&2\\3&4\end{bmatrix}$, the windows do not overlap, and
#
# $$dx = \begin{bmatrix}1&2&2&4\\0&-1&0&-2\\3&6&4&8\\0&-3&0&-4\end{bmatrix}.$$

# %% [markdown]
# ### Exercise 1: `conv2d_backward(dout, x, w, stride=1, padding=0)`
#
# Implement the backward pass with loops, following your derivation.
#
# * `dout`: upstream gradient, shape `(N, F, H', W')`
# * `x`, `w`: the forward pass's input `(N, C, H, W)` and filters `(F, C, HH, WW)`
# * `stride`, `padding`: as in the forward pass
# * returns `(dx, dw, db)` with the shapes of `x`, `w` and `(F,)`
#
# Take `H'` and `W'` from `dout.shape`. Return arrays of `x`'s dtype (float32 stays float32; the
# tests pass float64 and check the dtype) and do not modify the inputs. The cell
# after your function runs it on the worked examples above, next to the values worked out by hand.

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
    dtype = np.result_type(dout, x, w)
    if not np.issubdtype(dtype, np.floating):   # integer arrays: the products still need floats
        dtype = np.float64
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

# %% tags=["experiment"]
# Your conv2d_backward on the worked examples, next to the values worked out by hand in the text.
hand_worked = [
    ("1D, x [1 2 3 4], w [1 -1], dout [1 2 3]", np.array([[[[1.0, 2.0, 3.0, 4.0]]]]), np.array([[[[1.0, -1.0]]]]),
     np.array([[[[1.0, 2.0, 3.0]]]]), 1, {"dx": [1, 1, 1, -3], "dw": [14, 20], "db": [6]}),
    ("2D 3x3, stride 1", np.arange(1.0, 10.0).reshape(1, 1, 3, 3), np.array([[[[1.0, 2.0], [0.0, -1.0]]]]),
     np.ones((1, 1, 2, 2)), 1, {"dx": [1, 3, 2, 1, 2, 1, 0, -1, -1], "dw": [12, 16, 24, 28], "db": [4]}),
    ("2D 4x4, stride 2", np.zeros((1, 1, 4, 4)), np.array([[[[1.0, 2.0], [0.0, -1.0]]]]),
     np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), 2, {"dx": [1, 2, 2, 4, 0, -1, 0, -2, 3, 6, 4, 8, 0, -3, 0, -4]}),
]
for label, x_ex, w_ex, dout_ex, stride_ex, by_hand in hand_worked:
    print(label)
    yours = dict(zip(("dx", "dw", "db"), conv2d_backward(dout_ex, x_ex, w_ex, stride=stride_ex)))
    for name, expected in by_hand.items():
        verdict = "match" if np.allclose(np.ravel(yours[name]), expected) else "DIFFERENT"
        print(f"  {name}: yours   {np.ravel(yours[name]).round(6).tolist()}\n"
              f"      by hand {[float(v) for v in expected]}   {verdict}")

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
import importlib

import numpy as np
import torch.nn.functional as F

import cs_utils.convnet_reference
from cs_utils.checks import assert_close, call_torch, numpy_only
from cs_utils.gradcheck import numeric_gradient

# torch's gradients (cs_utils/convnet_reference.py), as that file defines them
torch_conv_grads = importlib.reload(cs_utils.convnet_reference).torch_conv_grads

x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
w = np.array([[[[1.0, 2.0], [0.0, -1.0]]]])
with numpy_only("conv2d_backward"):
    dx, dw, _ = conv2d_backward(np.ones((1, 1, 2, 2)), x, w)
if np.size(dx) == 0:
    raise AssertionError(f"dx is empty (shape {np.shape(dx)}) with padding 0: a crop like dx_pad[:, :, P:-P, P:-P] "
                         "selects nothing when P = 0 (-0 is 0); crop with dx_pad[:, :, P:P+H, P:P+W]")
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
import cs_utils.convnet_reference

checks = importlib.reload(cs_utils.checks)
torch_conv_grads = importlib.reload(cs_utils.convnet_reference).torch_conv_grads  # whatever the code above changed
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
import importlib

import numpy as np

import cs_utils.convnet_reference
from cs_utils.checks import assert_close, numpy_only

# torch's gradients (cs_utils/convnet_reference.py), as that file defines them
torch_conv_grads = importlib.reload(cs_utils.convnet_reference).torch_conv_grads

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
import cs_utils.convnet_reference

checks = importlib.reload(cs_utils.checks)
torch_conv_grads = importlib.reload(cs_utils.convnet_reference).torch_conv_grads  # whatever the code above changed
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
import importlib

import numpy as np

import cs_utils.convnet_reference
from cs_utils.checks import assert_close, numpy_only

# torch's gradients (cs_utils/convnet_reference.py), as that file defines them
torch_conv_grads = importlib.reload(cs_utils.convnet_reference).torch_conv_grads

# The worked stride-2 example: non-overlapping windows, so dx is the filter pasted and scaled.
w = np.array([[[[1.0, 2.0], [0.0, -1.0]]]])
with numpy_only("conv2d_backward"):
    dx, _, _ = conv2d_backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), np.zeros((1, 1, 4, 4)), w, stride=2)
if np.size(dx) == 0:
    raise AssertionError(f"dx is empty (shape {np.shape(dx)}) with padding 0: a crop like dx_pad[:, :, P:-P, P:-P] "
                         "selects nothing when P = 0 (-0 is 0); crop with dx_pad[:, :, P:P+H, P:P+W]")
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
import cs_utils.convnet_reference

checks = importlib.reload(cs_utils.checks)
torch_conv_grads = importlib.reload(cs_utils.convnet_reference).torch_conv_grads  # whatever the code above changed
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
# ### `dx` is a convolution with the flipped filter
#
# Look again at the 1D example: $dx = [1, 1, 1, -3]$. Pad `dout` with one zero at each end,
# $[0, 1, 2, 3, 0]$, and slide the **flipped** filter $[-1, 1]$ over it:
# $0 \cdot (-1) + 1 \cdot 1 = 1$, then $1$, $1$ and $3 \cdot (-1) + 0 \cdot 1 = -3$. The flip that
# notebook 01 said deep learning's forward pass does *not* do shows up in the backward pass: with
# stride 1 and no padding, `dx` is a convolution of `dout`, zero-padded by `HH − 1` rows and
# `WW − 1` columns, with every filter flipped along both axes (and its input and output channel
# axes swapped, since `dx` has `C` channels and `dout` has `F`).
#
# PyTorch has this operation, with stride and padding, as `F.conv_transpose2d(dout, w, stride,
# padding)`, the **transposed convolution**. It is the layer that upsamples in segmentation
# networks and generators; here it is simply the backward pass of `conv2d`. With a stride it
# spreads `dout` out with `s − 1` zeros between its entries before convolving, and the padding
# crops the result. The next cell checks both statements on your `conv2d_backward` (and your
# `conv2d` from notebook 02).

# %% tags=["experiment"]
rng = np.random.default_rng(SEED)
x = rng.standard_normal((2, 3, 7, 6))
w = rng.standard_normal((4, 3, 3, 3))
for stride, padding in [(1, 0), (1, 1), (2, 1), (3, 0)]:
    out_size = [(n + 2 * padding - k) // stride + 1 for n, k in zip(x.shape[2:], w.shape[2:])]
    dout = rng.standard_normal((2, 4, *out_size))
    dx, _, _ = conv2d_backward(dout, x, w, stride=stride, padding=padding)
    # Rows and columns the last window did not reach: conv_transpose2d cannot know them from dout alone.
    missed = tuple((n + 2 * padding - k) % stride for n, k in zip(x.shape[2:], w.shape[2:]))
    dx_transposed = F.conv_transpose2d(torch.from_numpy(dout), torch.from_numpy(w), stride=stride,
                                       padding=padding, output_padding=missed).numpy()
    print(f"stride {stride}, padding {padding}: largest |dx - F.conv_transpose2d(dout, w)| "
          f"{np.abs(dx - dx_transposed).max():.1e}")

dout = rng.standard_normal((2, 4, 5, 4))                              # stride 1, no padding
dx, _, _ = conv2d_backward(dout, x, w)
w_flipped = np.ascontiguousarray(w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))   # (C, F, HH, WW)
dx_full = conv2d(dout, w_flipped, padding=2)                          # padding HH - 1 = 2 on each side
print(f"stride 1, no padding: largest |dx - conv2d(dout, flipped w, padding 2)| {np.abs(dx - dx_full).max():.1e}")

# %% [markdown]
# ### Question 1: why *transposed*?
#
# For one image and one channel, flatten `x` into a vector; the forward pass without bias is then
# `out = A @ x` for a matrix `A` whose entries are filter weights (or zeros). Which statement
# explains why `dx` is called a transposed convolution?
#
# * **a.** PyTorch happens to implement the backward pass that way for speed; mathematically `dx`
#   could be computed by any layer that produces the shape of `x`.
# * **b.** The layer is linear in `x`, `out = A @ x`, so `dx = A.T @ dout`: multiplying by the
#   transpose of the convolution's matrix is what the name means, and that product is again a
#   convolution (with the flipped filter).
# * **c.** Deep learning's convolution is a cross-correlation, so the backward pass must flip the
#   filter back to undo it; a true convolution (with the flip) would have no transposed version.
# * **d.** `dx` is larger than `dout`, and a transposed convolution is the only layer that makes
#   an array larger.
#
# Set `answer_dx_transposed` to `"a"`, `"b"`, `"c"` or `"d"`.

# %% solution="question_dx_transposed"
### BEGIN SOLUTION
answer_dx_transposed = "b"
### END SOLUTION

# %% tests="test_question_dx_transposed" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_dx_transposed" in globals(), (
    'set answer_dx_transposed in the cell above to a letter in quotes, such as "a"')
choice = checks.choice_answer(answer_dx_transposed, "answer_dx_transposed")
### BEGIN HIDDEN TESTS
assert choice == "b", (
    "Question 1: the layer is linear in x (out = A @ x), so dx = A.T @ dout; that is the transposed convolution")
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Making it fast: a convolution is one matrix multiply
#
# The loops above run `N·F·H'·W'` tiny NumPy operations, each with a few microseconds of Python
# overhead. For one batch of 64 CIFAR-sized (32×32) images and 64 filters of 3×3 with padding 1,
# so that the output is 32×32 too, that is 64·64·32·32, more than four million steps. The fix is to
# hand NumPy a few *large* operations instead.
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
import importlib

import numpy as np
import torch.nn.functional as F

import cs_utils.convnet_reference
from cs_utils.checks import assert_close, assert_close_naming_mistakes, call_torch, numpy_only

# an output that equals what a common mistake gives fails with the mistake named
convnet_reference = importlib.reload(cs_utils.convnet_reference)

x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
w = np.array([[[[1.0, 2.0], [0.0, -1.0]]]])
with numpy_only("conv2d_fast"):
    out = conv2d_fast(x, w)
assert_close_naming_mistakes(out, np.array([[[[0.0, 2.0], [6.0, 8.0]]]]), "conv2d_fast on notebook 01's worked "
                             "3x3 example", convnet_reference.conv_output_mistakes(x, w, None, 1, 0))

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
import importlib

import numpy as np
import torch.nn.functional as F

import cs_utils.convnet_reference
from cs_utils.checks import assert_close, assert_close_naming_mistakes, call_torch, numpy_only

# an output that equals what a common mistake gives fails with the mistake named
convnet_reference = importlib.reload(cs_utils.convnet_reference)

rng = np.random.default_rng(9)
for stride, padding, size in [(2, 0, (7, 7)), (2, 1, (8, 6)), (3, 2, (9, 10)), (1, 2, (4, 5))]:
    x = rng.standard_normal((2, 3) + size)
    w = rng.standard_normal((4, 3, 3, 2))
    b = rng.standard_normal(4)
    with numpy_only("conv2d_fast"):
        out = conv2d_fast(x, w, b, stride=stride, padding=padding)
    assert_close_naming_mistakes(out, call_torch(F.conv2d, x, w, b, stride=stride, padding=padding),
                                 f"conv2d_fast vs F.conv2d, x {x.shape}, w (4, 3, 3, 2), stride {stride}, "
                                 f"padding {padding}", convnet_reference.conv_output_mistakes(x, w, b, stride, padding))

# A batch larger than any block of images you might process at a time: every block must be kept.
x_batch, w_batch = rng.standard_normal((37, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3))
b_batch = rng.standard_normal(3)
with numpy_only("conv2d_fast"):
    out = conv2d_fast(x_batch, w_batch, b_batch, stride=2, padding=1)
assert_close(out, call_torch(F.conv2d, x_batch, w_batch, b_batch, stride=2, padding=1),
             "conv2d_fast on a batch of 37 images (if you work in blocks of images, is each block's output "
             "written to its own images?)")

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
# `out_rows = cols @ W_mat`, so the backward pass is the backward pass of a matrix product, which
# you met in the fully connected layer. If you do not remember it, derive it from the graph as in
# section 2: entry `(r, f)` of the product is a sum of `cols[r, m] · W_mat[m, f]` over `m`, so in
# which products does `W_mat[m, f]` take part, and what is it multiplied with? Then write the sum
# as a matrix product; its shape must be that of `W_mat`. Three things to get right:
#
# * **the order of the axes.** `dW_mat` comes back flattened in the order in which you flattened
#   the filters; reshaping it in another order gives a transposed `dw`, the classic bug;
# * **`db`** is the same sum as in the loop version;
# * **col2im for `dx`.** The matrix product gives the gradient of every *copy* of a pixel in
#   `cols`. Each pixel was copied into several rows, so by the fan-out rule its gradient is the
#   sum over its copies, added back to where each copy came from. You need not loop over windows
#   for that: the entry at kernel offset `(k, l)` of *every* window comes from a regular grid of
#   pixels in the padded input. Work out that grid on a small case first. In 1D, with a padded
#   input of length 7, a kernel of 3 and stride 2, the windows start at 0, 2 and 4, so offset 0
#   of the three windows reads pixels 0, 2, 4 and offset 1 reads pixels 1, 3, 5. Which slice of
#   the padded input is that, for offset `k`, stride `s` and `H'` windows? Loop over the `HH·WW`
#   offsets, add each offset's contribution to its slice, and crop the padding at the end.
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
import importlib

import numpy as np

import cs_utils.convnet_reference
from cs_utils.checks import assert_close, assert_close_naming_mistakes, numpy_only

# a gradient that equals what a common mistake gives fails with the mistake named
convnet_reference = importlib.reload(cs_utils.convnet_reference)
torch_conv_grads = convnet_reference.torch_conv_grads

x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
w = np.array([[[[1.0, 2.0], [0.0, -1.0]]]])
with numpy_only("conv2d_backward_fast"):
    dx, dw, db = conv2d_backward_fast(np.ones((1, 1, 2, 2)), x, w)
if np.size(dx) == 0:
    raise AssertionError(f"dx is empty (shape {np.shape(dx)}) with padding 0: a crop like dx_pad[:, :, P:-P, P:-P] "
                         "selects nothing when P = 0 (-0 is 0); crop with dx_pad[:, :, P:P+H, P:P+W]")
dx_worked = np.array([[[[1.0, 3.0, 2.0], [1.0, 2.0, 1.0], [0.0, -1.0, -1.0]]]])
windows_over = np.array([[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]])   # how many 2x2 windows cover each pixel
if (np.shape(dx) == dx_worked.shape and not np.allclose(dx, dx_worked)
        and np.allclose(np.asarray(dx)[windows_over == 1], dx_worked[windows_over == 1])):
    raise AssertionError("dx on the worked 3x3 example is right at the corners, which one window covers, and wrong "
                         "where windows overlap: there their contributions must add up. A fancy-index += "
                         "(dx_pad[..., rows, cols] += ...) keeps only one of them where an index repeats; use "
                         "np.add.at, or loop over the kernel offsets and add slices")
assert_close(dx, dx_worked, "dx on the worked 3x3 example")
dw_worked = np.array([[[[12.0, 16.0], [24.0, 28.0]]]])
assert_close_naming_mistakes(dw, dw_worked, "dw on the worked 3x3 example",
                             convnet_reference.conv_gradient_mistakes("dw", dw_worked))
assert_close(db, np.array([4.0]), "db on the worked 3x3 example")

rng = np.random.default_rng(11)
x = rng.standard_normal((2, 3, 6, 5))
w = rng.standard_normal((4, 3, 3, 2))
dout = rng.standard_normal((2, 4, 4, 4))
with numpy_only("conv2d_backward_fast"):
    dx, dw, db = conv2d_backward_fast(dout, x, w)
for name, ours, reference in zip(("dx", "dw", "db"), (dx, dw, db), torch_conv_grads(dout, x, w)):
    assert_close_naming_mistakes(ours, reference, f"{name} vs torch autograd, x (2, 3, 6, 5), w (4, 3, 3, 2), "
                                 "stride 1", convnet_reference.conv_gradient_mistakes(name, reference))
print("conv2d_backward_fast agrees with torch autograd at stride 1 without padding.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks
import cs_utils.convnet_reference

checks = importlib.reload(cs_utils.checks)
torch_conv_grads = importlib.reload(cs_utils.convnet_reference).torch_conv_grads  # whatever the code above changed
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
import importlib

import numpy as np

import cs_utils.convnet_reference
from cs_utils.checks import assert_close, assert_close_naming_mistakes, numpy_only

# a gradient that equals what a common mistake gives fails with the mistake named
convnet_reference = importlib.reload(cs_utils.convnet_reference)
torch_conv_grads = convnet_reference.torch_conv_grads

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
        assert_close_naming_mistakes(ours, reference, f"{name} vs torch autograd, {label}",
                                     convnet_reference.conv_gradient_mistakes(name, reference))

# A batch larger than any block of images you might process at a time: dw and db add up every block.
x_batch, w_batch = rng.standard_normal((37, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3))
dout_batch = rng.standard_normal((37, 3, 3, 3))
with numpy_only("conv2d_backward_fast"):
    grads = conv2d_backward_fast(dout_batch, x_batch, w_batch, stride=2, padding=1)
for name, ours, reference in zip(("dx", "dw", "db"), grads, torch_conv_grads(dout_batch, x_batch, w_batch, 2, 1)):
    assert_close(ours, reference, f"{name} for a batch of 37 images (if you work in blocks of images, dw and db "
                 "are sums over all of them)")

x32, w32, dout32 = x.astype(np.float32), w.astype(np.float32), dout.astype(np.float32)
with numpy_only("conv2d_backward_fast"):
    grads = conv2d_backward_fast(dout32, x32, w32, stride=2, padding=2)
for name, ours, reference in zip(("dx", "dw", "db"), grads, torch_conv_grads(dout32, x32, w32, 2, 2)):
    if getattr(ours, "dtype", None) == np.float64:
        raise AssertionError(f"{name} is float64 for float32 inputs: an array made with a float64 default (such as "
                             "np.zeros(shape)) upcasts the result; give it the inputs' dtype (np.zeros_like(w), "
                             "or dtype=x.dtype)")
    assert_close(ours, reference, f"{name} for float32 inputs (must stay float32)", rtol=1e-4, atol=1e-5)
print("conv2d_backward_fast handles strides and padding.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks
import cs_utils.convnet_reference

checks = importlib.reload(cs_utils.checks)
torch_conv_grads = importlib.reload(cs_utils.convnet_reference).torch_conv_grads  # whatever the code above changed
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
# No Python loop over output positions in the backward pass either.
import importlib
import sys

import numpy as np
import cs_utils.convnet_reference
from cs_utils.checks import assert_close, numpy_only


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


# torch's gradients (cs_utils/convnet_reference.py), as that file defines them
torch_conv_grads = importlib.reload(cs_utils.convnet_reference).torch_conv_grads

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
import cs_utils.convnet_reference

checks = importlib.reload(cs_utils.checks)
torch_conv_grads = importlib.reload(cs_utils.convnet_reference).torch_conv_grads  # whatever the code above changed
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
# ### Questions 2 and 3: counting the work
#
# Take notebook 01's layer: six 5×5 filters slide over one 32×32×3 image with stride 1 and no
# padding, giving six 28×28 activation maps. Count multiplications only (not the additions, not
# the bias).
#
# **Question 2.** How many multiplications does the forward pass make? Set
# `answer_forward_multiplies` to that number.
#
# **Question 3.** How many multiplications does the backward pass make to compute `dx` and `dw`
# together (`db` needs none)? Set `answer_backward_multiplies`. Your loops in Exercise 1, or the
# matrix products of section 4, tell you how many products each gradient needs.

# %% solution="question_multiplies"
### BEGIN SOLUTION
answer_forward_multiplies = 28 * 28 * 6 * (5 * 5 * 3)   # outputs x products per output
answer_backward_multiplies = 2 * answer_forward_multiplies  # each forward product returns once to dw, once to dx
### END SOLUTION

# %% tests="test_question_forward_multiplies" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_forward_multiplies" in globals(), "set answer_forward_multiplies in the cell above to a number"
value = checks.number_answer(answer_forward_multiplies, "answer_forward_multiplies")
### BEGIN HIDDEN TESTS
assert 28 * 28 * 6 * 5 * 5 * 3 - 0.5 < value < 28 * 28 * 6 * 5 * 5 * 3 + 0.5, (
    "Question 2: 28 x 28 x 6 outputs, each a dot product of 5 x 5 x 3 = 75 multiplications")
### END HIDDEN TESTS

# %% tests="test_question_backward_multiplies" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_backward_multiplies" in globals(), "set answer_backward_multiplies in the cell above to a number"
value = checks.number_answer(answer_backward_multiplies, "answer_backward_multiplies")
### BEGIN HIDDEN TESTS
assert 2 * 28 * 28 * 6 * 5 * 5 * 3 - 0.5 < value < 2 * 28 * 28 * 6 * 5 * 5 * 3 + 0.5, (
    "Question 3: every forward product x * w sends one product back to dw and one to dx: twice the forward")
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
# images at a time**. For the whole batch of a realistic layer, larger than the one timed above
# (64 images, 64→64 channels, 32×32, 3×3 filters, padding 1), the matrix would have 65,536 rows
# and 576 columns: 151 MB of float32, written to main memory and read back for the multiply. Four
# images' worth, 9 MB, mostly stays in the processor's cache while the multiply reads it; on the
# course's 2-core test machine that made the forward pass of that layer about 1.6× faster. The
# arithmetic is the same; only the order of the work changed. The batch timed above is small
# enough for its whole matrix to take at most a few megabytes, so there the order matters less.
#
# ## 6. Training a ConvNet written in NumPy
#
# Time to use the layer. The network is the smallest ConvNet with every piece from the lecture:
#
# `CONV (3×3, F filters, padding 1) → ReLU → MAX POOL 2×2 → FC → SOFTMAX`
#
# and you build all of it from your own functions: `conv2d_fast` and `conv2d_backward_fast` from
# this notebook, max pooling from notebook 03, and a softmax cross-entropy loss that you write
# next. Every forward step keeps what its backward step needs, and the backward pass visits the
# steps in reverse order.
#
# ### Your pooling layer from notebook 03
#
# Paste your `max_pool2d` and `max_pool2d_backward` from notebook 03 into the next cell (the
# bodies; keep the signatures). No test grades them here, but the experiments below train with
# them, and the cell after them compares them with PyTorch.

# %% solution="max_pool2d_from_03"
import numpy as np


def max_pool2d(x, kernel_size, stride=None):
    """Max pooling, your notebook 03 answer pasted here. x: (N, C, H, W); stride defaults to kernel_size.

    Returns out: (N, C, (H - k) // stride + 1, (W - k) // stride + 1).
    """
    ### BEGIN SOLUTION
    k = kernel_size
    step = k if stride is None else stride
    N, C, H, W = x.shape
    if H < k or W < k:
        raise ValueError(f"a {k}x{k} window does not fit in a {H}x{W} input")
    H_out, W_out = (H - k) // step + 1, (W - k) // step + 1
    out = np.empty((N, C, H_out, W_out), dtype=x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64)
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * step:i * step + k, j * step:j * step + k].max(axis=(2, 3))
    return out
    ### END SOLUTION


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    """Gradient of max_pool2d with respect to x, your notebook 03 answer pasted here."""
    ### BEGIN SOLUTION
    k = kernel_size
    step = k if stride is None else stride
    N, C, H, W = x.shape
    H_out, W_out = dout.shape[2], dout.shape[3]
    dx = np.zeros(x.shape, dtype=np.result_type(x, dout, np.float64))
    positions = np.arange(k * k)
    for i in range(H_out):
        for j in range(W_out):
            r, c = i * step, j * step
            window = x[:, :, r:r + k, c:c + k].reshape(N, C, k * k)
            winner = np.argmax(window, axis=2)                            # first maximum, as in torch
            one_hot = (positions == winner[:, :, None]).reshape(N, C, k, k)
            dx[:, :, r:r + k, c:c + k] += one_hot * dout[:, :, i, j][:, :, None, None]
    return dx
    ### END SOLUTION

# %%
rng = np.random.default_rng(SEED)
x = rng.standard_normal((2, 3, 8, 6))
dout = rng.standard_normal((2, 3, 4, 3))
x_t = torch.from_numpy(x).requires_grad_()
pooled_t = F.max_pool2d(x_t, 2)
pooled_t.backward(torch.from_numpy(dout))
print(f"max_pool2d, 2x2: largest difference from F.max_pool2d "
      f"{np.abs(max_pool2d(x, 2) - pooled_t.detach().numpy()).max():.1e}")
print(f"max_pool2d_backward, 2x2: largest difference from torch autograd "
      f"{np.abs(max_pool2d_backward(dout, x, 2) - x_t.grad.numpy()).max():.1e}")

# %% [markdown]
# ### Exercise 4: `softmax_cross_entropy(scores, y)`
#
# The network ends with `K = 10` class scores per image, `scores` of shape `(N, K)`. The softmax
# turns them into probabilities, and the loss is the mean negative log-probability of the right
# classes `y` (integers, shape `(N,)`):
#
# $$L = \frac{1}{N}\sum_{n} L_n, \qquad L_n = -\log \frac{e^{s_{n, y_n}}}{\sum_k e^{s_{n,k}}}
#     = -s_{n, y_n} + \log \sum_k e^{s_{n,k}} .$$
#
# Return the loss and `dscores`, its gradient with respect to every score. Derive it from the
# graph: $L_n$ is a difference of two terms. The first depends on one score only. For the second,
# use $\frac{d}{du} \log u = \frac{1}{u}$ and the chain rule through the sum and the exponentials;
# you will meet the softmax probabilities again. And $L$ is a mean, which touches every gradient.
#
# A worked example to check against: two images, three classes,
# `scores = [[2, 1, 0], [0, 0, 0]]`, `y = [0, 2]`. The probabilities are
# `[0.665, 0.245, 0.090]` and `[1/3, 1/3, 1/3]`, the two losses `−log 0.665 = 0.408` and
# `log 3 = 1.099`, so `L = 0.753`, and
#
# $$\text{dscores} = \begin{bmatrix}-0.167 & 0.122 & 0.045\\ 0.167 & 0.167 & -0.333\end{bmatrix}.$$
#
# **Large scores.** `np.exp(1000.0)` is `inf` in floating point. Subtract each row's largest score
# before exponentiating: the probabilities do not change (why?), and every exponential is at
# most 1. A test uses scores in the thousands. Do not modify `scores`.

# %% solution="softmax_cross_entropy"
import numpy as np


def softmax_cross_entropy(scores, y):
    """Mean softmax cross-entropy loss and its gradient.

    scores: (N, K) class scores; y: (N,) integer labels in [0, K).
    Returns (loss, dscores): loss a float, dscores (N, K), the gradient of loss with respect to scores.
    """
    ### BEGIN SOLUTION
    shifted = scores - np.max(scores, axis=1, keepdims=True)  # exp cannot overflow
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(y)
    loss = -log_probs[np.arange(n), y].mean()
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1
    return float(loss), dscores / n
    ### END SOLUTION

# %% tests="test_softmax_cross_entropy_loss" points=1
# The loss on the worked example and on random scores, against F.cross_entropy in float64.
import importlib

import numpy as np

import cs_utils.convnet_reference
from cs_utils.checks import assert_close_naming_mistakes, numpy_only

# torch's loss, and what common wrong losses give (cs_utils/convnet_reference.py)
convnet_reference = importlib.reload(cs_utils.convnet_reference)
torch_cross_entropy = convnet_reference.torch_cross_entropy

scores = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
y = np.array([0, 2])
with numpy_only("softmax_cross_entropy"):
    result = softmax_cross_entropy(scores, y)
if not isinstance(result, tuple) or len(result) != 2:
    raise AssertionError("softmax_cross_entropy should return a pair (loss, dscores)")
assert_close_naming_mistakes(convnet_reference.scalar_loss(result[0], "softmax_cross_entropy"),
                             torch_cross_entropy(scores, y)[0], "the loss on the worked example",
                             convnet_reference.cross_entropy_loss_mistakes(scores, y))

rng = np.random.default_rng(14)
scores, y = rng.standard_normal((6, 10)), rng.integers(0, 10, size=6)
with numpy_only("softmax_cross_entropy"):
    loss, _ = softmax_cross_entropy(scores, y)
assert_close_naming_mistakes(convnet_reference.scalar_loss(loss, "softmax_cross_entropy"),
                             torch_cross_entropy(scores, y)[0], "the loss on random scores (6, 10)",
                             convnet_reference.cross_entropy_loss_mistakes(scores, y))
print("softmax_cross_entropy gives the mean cross-entropy loss.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
convnet_reference = importlib.reload(cs_utils.convnet_reference)  # whatever the code above changed
rng = np.random.default_rng(4051)
for trial in range(10):
    N, K = int(rng.integers(1, 9)), int(rng.integers(2, 12))
    scores, y = 3 * rng.standard_normal((N, K)), rng.integers(0, K, size=N)
    with checks.numpy_only("softmax_cross_entropy"):
        loss, _ = softmax_cross_entropy(scores, y)
    checks.assert_close(float(loss), convnet_reference.torch_cross_entropy(scores, y)[0],
                        f"loss, trial {trial}: scores ({N}, {K})")
### END HIDDEN TESTS

# %% tests="test_softmax_cross_entropy_grad" points=2
# dscores on the worked example and on random scores, against torch autograd in float64. A dscores that
# equals what a common mistake gives (cs_utils/convnet_reference.py) fails with the mistake named.
import importlib

import numpy as np

import cs_utils.convnet_reference
from cs_utils.checks import assert_close, assert_close_naming_mistakes, numpy_only

convnet_reference = importlib.reload(cs_utils.convnet_reference)
torch_cross_entropy = convnet_reference.torch_cross_entropy

scores = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
y = np.array([0, 2])
with numpy_only("softmax_cross_entropy"):
    _, dscores = softmax_cross_entropy(scores, y)
assert_close_naming_mistakes(dscores, torch_cross_entropy(scores, y)[1], "dscores on the worked example",
                             convnet_reference.cross_entropy_gradient_mistakes(scores, y))

rng = np.random.default_rng(15)
scores, y = rng.standard_normal((5, 10)), rng.integers(0, 10, size=5)
before = scores.copy()
with numpy_only("softmax_cross_entropy"):
    _, dscores = softmax_cross_entropy(scores, y)
assert_close_naming_mistakes(dscores, torch_cross_entropy(scores, y)[1], "dscores on random scores (5, 10)",
                             convnet_reference.cross_entropy_gradient_mistakes(scores, y))
assert_close(scores, before, "scores after softmax_cross_entropy (the input must not be modified)")
print("dscores matches torch autograd.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
convnet_reference = importlib.reload(cs_utils.convnet_reference)  # whatever the code above changed
rng = np.random.default_rng(4052)
for trial in range(10):
    N, K = int(rng.integers(1, 9)), int(rng.integers(2, 12))
    scores, y = 3 * rng.standard_normal((N, K)), rng.integers(0, K, size=N)
    before = scores.copy()
    with checks.numpy_only("softmax_cross_entropy"):
        _, dscores = softmax_cross_entropy(scores, y)
    label = f"trial {trial}: scores ({N}, {K})"
    checks.assert_close_naming_mistakes(dscores, convnet_reference.torch_cross_entropy(scores, y)[1],
                                        f"dscores, {label}",
                                        convnet_reference.cross_entropy_gradient_mistakes(scores, y))
    checks.assert_close(scores, before, f"scores after softmax_cross_entropy ({label}): must not be modified")
### END HIDDEN TESTS

# %% tests="test_softmax_cross_entropy_large_scores" points=1
# Scores in the thousands: exp overflows unless each row's maximum is subtracted first.
import importlib

import numpy as np

import cs_utils.convnet_reference
from cs_utils.checks import assert_close_naming_mistakes, numpy_only

convnet_reference = importlib.reload(cs_utils.convnet_reference)
torch_cross_entropy = convnet_reference.torch_cross_entropy

scores = np.array([[1000.0, 999.0, 998.0], [-1000.0, -1000.0, -1005.0]])
y = np.array([0, 2])
with numpy_only("softmax_cross_entropy"):
    loss, dscores = softmax_cross_entropy(scores, y)
want_loss, want_dscores = torch_cross_entropy(scores, y)
loss = convnet_reference.scalar_loss(loss, "softmax_cross_entropy")
if not np.isfinite(loss) or not np.all(np.isfinite(dscores)):
    raise AssertionError(f"for scores near +1000 and -1000 the loss is {loss} (or dscores is not finite): np.exp "
                         "overflows to inf. Subtract each row's maximum before np.exp")
assert_close_naming_mistakes(loss, want_loss, "the loss for scores near +1000 and -1000",
                             convnet_reference.cross_entropy_loss_mistakes(scores, y))
assert_close_naming_mistakes(dscores, want_dscores, "dscores for scores near +1000 and -1000",
                             convnet_reference.cross_entropy_gradient_mistakes(scores, y))
print("softmax_cross_entropy is stable for large scores.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
convnet_reference = importlib.reload(cs_utils.convnet_reference)  # whatever the code above changed
rng = np.random.default_rng(4053)
for trial in range(6):
    N, K = int(rng.integers(1, 6)), int(rng.integers(2, 11))
    scores = rng.standard_normal((N, K)) * 5 + rng.choice([-1, 1], size=(N, 1)) * rng.uniform(500, 5000, (N, 1))
    y = rng.integers(0, K, size=N)
    with checks.numpy_only("softmax_cross_entropy"):
        loss, dscores = softmax_cross_entropy(scores, y)
    want_loss, want_dscores = convnet_reference.torch_cross_entropy(scores, y)
    checks.assert_close(float(loss), want_loss, f"loss, trial {trial}: large scores ({N}, {K})")
    checks.assert_close_naming_mistakes(dscores, want_dscores, f"dscores, trial {trial}: large scores ({N}, {K})",
                                        convnet_reference.cross_entropy_gradient_mistakes(scores, y))
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 5: `convnet_loss_and_grads(params, x, y=None)`
#
# Now the whole network, forward and backward, from your own pieces. The parameters are a dict:
#
# | name | shape | role |
# |---|---|---|
# | `w1`, `b1` | `(F, C, 3, 3)`, `(F,)` | the CONV layer, stride 1, padding 1 |
# | `w2`, `b2` | `(F·(H//2)·(W//2), K)`, `(K,)` | the FC layer on the flattened pooled maps |
#
# The forward pass is a chain of named values, each the input of the next:
#
# `a1 = conv(x)` → `r1 = relu(a1)` → `p1 = maxpool2x2(r1)` → `flat = p1` reshaped to `(N, −1)` →
# `scores = flat @ w2 + b2` → `loss`.
#
# The backward pass walks the chain in reverse, turning the gradient of each value into the
# gradient of the one before it (and of the parameters met on the way), each with the shape of its
# value. You have every piece already: `softmax_cross_entropy` gives `dscores`; the FC layer is a
# matrix product, as in section 4 (check the shapes); the reshape is undone by a reshape; the pool
# and the convolution have their backward functions. For the ReLU, ask what a small change of `a1`
# does to `r1` where `a1` is positive, and where it is negative.
#
# * `x`: images `(N, C, H, W)`; `y`: labels `(N,)`, or `None`
# * with `y=None`, return only `scores` `(N, K)` (the accuracy below needs no gradients)
# * otherwise return `(loss, grads)`: the mean loss, and a dict with the gradient of the loss with
#   respect to each of `w1`, `b1`, `w2`, `b2`, each with the shape of its parameter
#
# Call `conv2d_fast`, `max_pool2d`, `softmax_cross_entropy`, `max_pool2d_backward` and
# `conv2d_backward_fast` by those names. The tests run your function with stand-ins for them
# (prepared by PyTorch), so a mistake in another exercise costs no points here; the training
# below uses your own.

# %% solution="convnet_loss_and_grads"
import numpy as np


def convnet_loss_and_grads(params, x, y=None):
    """CONV(3x3, padding 1) -> ReLU -> MAX POOL 2x2 -> FC -> softmax cross-entropy, forward and backward.

    params: {"w1": (F, C, 3, 3), "b1": (F,), "w2": (F * (H // 2) * (W // 2), K), "b2": (K,)}
    x: (N, C, H, W); y: (N,) integer labels, or None.
    Returns scores (N, K) when y is None, else (loss, grads) with grads[name] shaped like params[name].
    """
    ### BEGIN SOLUTION
    a1 = conv2d_fast(x, params["w1"], params["b1"], padding=1)   # CONV
    r1 = np.maximum(a1, 0)                                       # ReLU
    p1 = max_pool2d(r1, 2)                                       # POOL
    flat = p1.reshape(len(x), -1)
    scores = flat @ params["w2"] + params["b2"]                  # FC
    if y is None:
        return scores
    loss, dscores = softmax_cross_entropy(scores, y)
    grads = {"w2": flat.T @ dscores, "b2": dscores.sum(axis=0)}
    dp1 = (dscores @ params["w2"].T).reshape(p1.shape)
    dr1 = max_pool2d_backward(dp1, r1, 2)
    da1 = dr1 * (a1 > 0)                                         # the ReLU passes gradient where a1 > 0
    _, grads["w1"], grads["b1"] = conv2d_backward_fast(da1, x, params["w1"], padding=1)
    return loss, grads
    ### END SOLUTION

# %% tests="test_convnet_forward" points=1
# Scores (y=None) and the mean loss of a small network, against torch in float64.
import importlib

import numpy as np

import cs_utils.convnet_reference
from cs_utils.checks import assert_close, numpy_only

# torch's network and the layer stand-ins (cs_utils/convnet_reference.py), as that file defines them.
convnet_reference = importlib.reload(cs_utils.convnet_reference)

rng = np.random.default_rng(16)
params, x, y = convnet_reference.small_network(rng, N=3, C=1, H=6, W=6, num_filters=4)
want_scores, want_loss, _ = convnet_reference.torch_convnet(params, x, y)
with convnet_reference.layer_stand_ins(globals(), params, x, y), numpy_only("convnet_loss_and_grads"):
    scores = convnet_loss_and_grads(params, x)
    result = convnet_loss_and_grads(params, x, y)
assert_close(scores, want_scores, "convnet_loss_and_grads(params, x) with y=None: the scores, x (3, 1, 6, 6), "
             "4 filters")
if not isinstance(result, tuple) or len(result) != 2:
    raise AssertionError("with labels y, convnet_loss_and_grads should return a pair (loss, grads)")
assert_close(convnet_reference.scalar_loss(result[0], "convnet_loss_and_grads"), want_loss,
             "the loss of convnet_loss_and_grads(params, x, y) (the mean over images)")

# Odd H and W: the 2x2 pool drops the last row and column, so p1 is (N, F, H // 2, W // 2).
params, x, y = convnet_reference.small_network(rng, N=2, C=2, H=7, W=5, num_filters=3)
want_scores, want_loss, _ = convnet_reference.torch_convnet(params, x, y)
with (convnet_reference.layer_stand_ins(globals(), params, x, y), numpy_only("convnet_loss_and_grads"),
      convnet_reference.odd_size_errors(x)):
    scores = convnet_loss_and_grads(params, x)
    loss, _ = convnet_loss_and_grads(params, x, y)
assert_close(scores, want_scores, "the scores for odd-sized images, x (2, 2, 7, 5), 3 filters")
assert_close(convnet_reference.scalar_loss(loss, "convnet_loss_and_grads"), want_loss,
             "the loss for odd-sized images, x (2, 2, 7, 5)")
print("convnet_loss_and_grads computes the scores and the loss.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
convnet_reference = importlib.reload(cs_utils.convnet_reference)  # whatever the code above changed
rng = np.random.default_rng(4054)
for trial in range(6):
    N, C, num_filters = (int(v) for v in rng.integers(1, 4, size=3))
    H, W = (int(v) for v in rng.integers(2, 8, size=2))
    params, x, y = convnet_reference.small_network(rng, N, C, H, W, num_filters, num_classes=int(rng.integers(2, 11)))
    want_scores, want_loss, _ = convnet_reference.torch_convnet(params, x, y)
    with convnet_reference.layer_stand_ins(globals(), params, x, y), checks.numpy_only("convnet_loss_and_grads"):
        scores = convnet_loss_and_grads(params, x)
        loss, _ = convnet_loss_and_grads(params, x, y)
    label = f"trial {trial}: x {x.shape}, {num_filters} filters"
    checks.assert_close(scores, want_scores, f"scores, {label}")
    checks.assert_close(float(loss), want_loss, f"loss, {label}")
### END HIDDEN TESTS

# %% tests="test_convnet_grads" points=2
# The gradients of all four parameters, against torch autograd in float64.
import importlib

import numpy as np

import cs_utils.convnet_reference
from cs_utils.checks import assert_close_naming_mistakes, numpy_only

# torch's network and the layer stand-ins (cs_utils/convnet_reference.py), as that file defines them;
# a gradient that equals what a common mistake gives fails with the mistake named.
convnet_reference = importlib.reload(cs_utils.convnet_reference)

rng = np.random.default_rng(17)
params, x, y = convnet_reference.small_network(rng, N=3, C=1, H=6, W=6, num_filters=4)
_, _, want = convnet_reference.torch_convnet(params, x, y)
mistakes = convnet_reference.convnet_grad_mistakes(params, x, y, want)
with convnet_reference.layer_stand_ins(globals(), params, x, y), numpy_only("convnet_loss_and_grads"):
    _, grads = convnet_loss_and_grads(params, x, y)
if not isinstance(grads, dict) or set(grads) != set(params):
    raise AssertionError(f"grads should be a dict with the keys {sorted(params)}, got "
                         f"{sorted(grads) if isinstance(grads, dict) else type(grads).__name__}")
for name in ("b2", "w2", "b1", "w1"):  # from the loss backwards: the first mismatch is where to look
    assert_close_naming_mistakes(grads[name], want[name], f"grads['{name}'] vs torch autograd, x (3, 1, 6, 6), "
                                 "4 filters", mistakes[name])

# Odd H and W: the pool's last row and column get no gradient.
params, x, y = convnet_reference.small_network(rng, N=2, C=2, H=5, W=7, num_filters=3)
_, _, want = convnet_reference.torch_convnet(params, x, y)
mistakes = convnet_reference.convnet_grad_mistakes(params, x, y, want)
with (convnet_reference.layer_stand_ins(globals(), params, x, y), numpy_only("convnet_loss_and_grads"),
      convnet_reference.odd_size_errors(x)):
    _, grads = convnet_loss_and_grads(params, x, y)
for name in ("b2", "w2", "b1", "w1"):
    assert_close_naming_mistakes(grads[name], want[name], f"grads['{name}'] for odd-sized images, x (2, 2, 5, 7)",
                                 mistakes[name])
print("convnet_loss_and_grads: all four gradients match torch autograd.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
convnet_reference = importlib.reload(cs_utils.convnet_reference)  # whatever the code above changed
rng = np.random.default_rng(4055)
for trial in range(6):
    N, C, num_filters = (int(v) for v in rng.integers(1, 4, size=3))
    H, W = (int(v) for v in rng.integers(2, 8, size=2))
    params, x, y = convnet_reference.small_network(rng, N, C, H, W, num_filters, num_classes=int(rng.integers(2, 11)))
    before = {name: value.copy() for name, value in params.items()}
    x_before = x.copy()
    _, _, want = convnet_reference.torch_convnet(params, x, y)
    mistakes = convnet_reference.convnet_grad_mistakes(params, x, y, want)
    with convnet_reference.layer_stand_ins(globals(), params, x, y), checks.numpy_only("convnet_loss_and_grads"):
        _, grads = convnet_loss_and_grads(params, x, y)
    label = f"trial {trial}: x {x.shape}, {num_filters} filters"
    for key in ("b2", "w2", "b1", "w1"):
        checks.assert_close_naming_mistakes(grads[key], want[key], f"grads['{key}'], {label}", mistakes[key])
        checks.assert_close(params[key], before[key], f"params['{key}'] after the call ({label}): "
                            "must not be modified")
    checks.assert_close(x, x_before, f"x after the call ({label}): must not be modified")
### END HIDDEN TESTS

# %% [markdown]
# ### Before training: three sanity checks
#
# A network with a bug in its backward pass still "trains", only badly, and the bug then hides
# behind the search for a learning rate. CS231n's advice is to run three cheap checks first:
#
# 1. **The initial loss.** With small random weights every score is close to 0, the softmax gives
#    each of the 10 classes a probability of about 1/10, and the loss is about
#    $-\log(1/10) = \ln 10 \approx 2.303$. (That is why `init_convnet` below draws the FC weights
#    small.) A loss far from it means scores that are too large, or a wrong loss.
# 2. **A numeric gradient check of the whole model**, every parameter, on a tiny float64 network.
# 3. **Overfit a tiny training set.** On 50 images the network has far more parameters than it
#    needs to memorise them, so gradient descent on those 50 alone must reach 100% *training*
#    accuracy within a few dozen steps (the check stops there).
#
# First the data. In quick mode we use scikit-learn's 1,797 digits (8×8 pixels); the full run uses
# 5,000 real 28×28 MNIST digits. Pixels are standardised with the training set's mean and
# standard deviation, and the test images are never trained on.

# %% tags=["experiment"]
def init_convnet(image_size, num_filters=16, num_classes=10, rng=None, dtype=np.float32):
    """Weights of CONV(3x3, pad 1) -> ReLU -> POOL 2x2 -> FC: He-initialised filters, small FC weights."""
    rng = rng if rng is not None else np.random.default_rng(0)
    fc_inputs = num_filters * (image_size // 2) ** 2
    params = {"w1": rng.standard_normal((num_filters, 1, 3, 3)) * np.sqrt(2 / 9),
              "b1": np.zeros(num_filters),
              # a tenth of the usual 1/sqrt(fan-in) scale: scores start near 0, the loss near ln 10
              "w2": rng.standard_normal((fc_inputs, num_classes)) * 0.1 * np.sqrt(1 / fc_inputs),
              "b2": np.zeros(num_classes)}
    return {name: value.astype(dtype) for name, value in params.items()}


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

# %% tags=["experiment"]
# Check 1: the loss of the untrained network, next to ln 10.
params = init_convnet(x_train.shape[-1], rng=np.random.default_rng(SEED))
initial_loss, _ = convnet_loss_and_grads(params, x_train[:500], y_train[:500])
print(f"initial loss on 500 training images: {initial_loss:.3f}    ln 10 = {np.log(10):.3f}")

# %% tags=["experiment"]
# Check 2: backpropagation against centred differences, every parameter of a tiny float64 network.
rng = np.random.default_rng(SEED)
tiny_params = init_convnet(4, num_filters=3, rng=rng, dtype=np.float64)
tiny_params["w2"] *= 10                       # larger FC weights, so the conv gradients are not tiny
tiny_x, tiny_y = rng.standard_normal((4, 1, 4, 4)), rng.integers(0, 10, size=4)
_, tiny_grads = convnet_loss_and_grads(tiny_params, tiny_x, tiny_y)
for name in ("w1", "b1", "w2", "b2"):
    def loss_of(value, name=name):
        return convnet_loss_and_grads({**tiny_params, name: value}, tiny_x, tiny_y)[0]
    numeric = numeric_gradient(loss_of, tiny_params[name].copy())
    print(f"{name}: relative error of backprop vs the numeric gradient {rel_error(tiny_grads[name], numeric):.1e}")

# %% tags=["experiment"]
# Check 3: memorise 50 training images with full-batch gradient descent.
rng = np.random.default_rng(SEED)
overfit_params = init_convnet(x_train.shape[-1], rng=rng)
x_50, y_50 = x_train[:50], y_train[:50]
for step in range(1, 201):
    loss, grads = convnet_loss_and_grads(overfit_params, x_50, y_50)
    for name in overfit_params:
        overfit_params[name] -= 0.1 * grads[name]
    train_accuracy = np.mean(convnet_loss_and_grads(overfit_params, x_50).argmax(axis=1) == y_50)
    if step % 10 == 0 or train_accuracy == 1.0:
        print(f"step {step:3d}: loss {loss:.3f}, accuracy on the 50 images {train_accuracy:.2f}")
    if train_accuracy == 1.0:
        break
assert train_accuracy == 1.0, "the network should memorise 50 images; check convnet_loss_and_grads"

# %% [markdown]
# Three passes: a loss near ln 10, relative errors around $10^{-8}$ or below, and 50 images
# memorised. Now the real training run.
#
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
    return float(np.mean(convnet_loss_and_grads(params, x).argmax(axis=1) == y))


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
# point per epoch. The test accuracy stays within about a point of the training accuracy: with one
# small convolution layer the network has few parameters to overfit with. Mind the accuracy axis:
# it does not start at 0 (in the quick-mode run it spans about 0.91 to 0.99), so a step of one
# point looks large. Each point is a snapshot taken after the epoch's last SGD step, and at
# learning rate 0.1 one step can move the accuracy by a few points in either direction. The
# quick-mode run's dip of about two points at epoch 2, while the mean training loss kept falling,
# is that kind of noise, not a trend.*

# %% tags=["experiment"]
fig = show_filters(params["w1"], ncols=8, size=1.0, suptitle="learned first-layer filters (3x3)")
plt.show()

# %% [markdown]
# *Figure 3. The 16 learned 3×3 filters (red positive, blue negative, each on its own symmetric
# scale). Nine weights leave little room for shapes you could name. In the quick-mode run most
# filters mix positive and negative weights without a pattern; two (filters 3 and 13) set their top
# two rows against their bottom row, a crude top-minus-bottom difference like notebook 01's Sobel
# filters; and filter 1 is negative everywhere. None is a clean
# edge or stroke detector. Filters this small, learned on 8×8 digits, are judged by what the
# network does with them (the test accuracy above), not by their look; notebook 01's hand-set
# filters were chosen to be readable.*
#
# ## Summary
#
# * A convolution's backward pass follows from its computational graph (sums pass gradients on,
#   products swap factors, fan-out adds): `db` sums `dout` over images and positions, `dw`
#   correlates the input with `dout`, and `dx` spreads `dout · w` back over each window. Stride
#   decides where the windows start in both directions, and `dx` is cropped to remove the padding.
# * `dx` is a transposed convolution (`F.conv_transpose2d`): the layer is linear in `x`, and with
#   stride 1 it is a convolution of `dout` with the flipped filter, notebook 01's flip. The backward
#   pass costs twice the forward pass's multiplications.
# * Check every backward pass numerically (centred differences on a tiny float64 problem) and
#   against an independent implementation such as torch autograd.
# * im2col turns a convolution into one matrix multiply. `sliding_window_view` gives the windows
#   as a view; the speedup over Python loops is hundreds of times, at the cost of memory.
# * Time with warm-up, several repeats, the median, and the same number of threads on both sides.
# * Before a long run, check the initial loss (≈ ln 10 for 10 classes), the whole model's gradient
#   numerically, and that it can memorise a tiny training set.
# * With these pieces a ConvNet trained with plain SGD in NumPy recognises digits; its 3×3
#   first-layer filters are small signed difference patterns rather than clean, nameable detectors.
#
# **Next:** notebook 05 takes convolution to one dimension (sequences and text) and three
# (volumes and video).
