# %% [markdown]
# # 03 · Pooling, fully connected layers and a whole ConvNet
#
# **Week 7: Convolutional Neural Networks, notebook 3 of 12.**
#
# A ConvNet stacks three kinds of layers: convolutions (notebooks 01 and 02), **pooling** layers
# that shrink the activation maps, and **fully connected** layers that turn the last maps into
# class scores. This notebook implements pooling forward and backward, shows how the gradient of
# a max is routed, and then assembles a complete (untrained) ConvNet in NumPy that prints the
# shape of its data at every layer.
#
# **Learning goals**
# 1. Explain what a pooling layer does: it downsamples each activation map independently and has
#    no parameters.
# 2. Implement `max_pool2d` and `avg_pool2d` (stride defaulting to the window size, as in PyTorch)
#    and reproduce the lecture's 4×4 example.
# 3. Implement their backward passes: a max sends its gradient to one element of each window, an
#    average spreads it evenly, and overlapping windows add up. Handle ties as PyTorch does.
# 4. Relate global average pooling and the fully connected layer to what you already know.
# 5. Read the pattern `[(CONV-RELU)*N-POOL?]*M-(FC-RELU)*K-SOFTMAX` and build a network from it.
#
# **How this notebook works.** Run the cells in order. Write your code where it says
# `YOUR CODE HERE` and delete the `raise NotImplementedError()` line. The test cell after an
# exercise checks your answer at once and says what is wrong. When you submit, hidden tests also
# compare your functions with PyTorch on random shapes and strides, so make them correct in
# general, not only for the visible examples. Test cells call your functions with PyTorch
# switched off: the exercises are written in NumPy.

# %%
# Setup: imports, seeding, and which mode and data this run uses.
import numpy as np
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F

from cs_utils.data import describe_dataset, load_digits, load_sample_image
from cs_utils.gradcheck import numeric_gradient
from cs_utils.plotting import show_images
from cs_utils.runtime import describe_run, reset_seed

SEED = 0
reset_seed(SEED)
describe_run("scikit-learn digits, one scikit-image photo, small random arrays", SEED)
print(describe_dataset("digits"))
print(describe_dataset("skimage"))
digits_x, digits_y = load_digits()
print(f"digits: {digits_x.shape}, labels {digits_y.shape}")

# %% [markdown]
# ## 1. The pooling layer
#
# A pooling layer makes the representation smaller and more manageable. It slides a window over
# each activation map **separately** (it never mixes channels) and replaces each window by one
# number: the maximum (**max pooling**) or the mean (**average pooling**). A 2×2 window with
# stride 2 halves the height and width and keeps the depth: the lecture's 224×224×64 volume
# becomes 112×112×64. Pooling has **no parameters**; the window size and stride are fixed
# hyperparameters.
#
# The output size follows the same rule as a convolution without padding,
# $(N - F)/S + 1$, and like PyTorch we take the floor when the window does not tile the input,
# ignoring the leftover rows and columns.
#
# The lecture's example: max pooling with 2×2 windows and stride 2 on one depth slice,
#
# $$x = \begin{bmatrix}1&1&2&4\\5&6&7&8\\3&2&1&0\\1&2&3&4\end{bmatrix}
# \;\longrightarrow\;
# \begin{bmatrix}6&8\\3&4\end{bmatrix}.$$
#
# The top-left window holds 1, 1, 5, 6, so its maximum is 6. Average pooling of the same input
# gives the window means $\begin{bmatrix}3.25&5.25\\2&2\end{bmatrix}$ (for instance
# (1 + 1 + 5 + 6)/4 = 3.25).

# %% [markdown]
# ### Exercise 1: `max_pool2d(x, kernel_size, stride=None)` and `avg_pool2d(x, kernel_size, stride=None)`
#
# * `x`: input `(N, C, H, W)`; `kernel_size`: the side `k` of the square window (an int);
#   `stride`: an int, or `None` to mean `stride = kernel_size` (PyTorch's default).
# * `out[n, c, i, j]` is the max (or mean) of `x[n, c, i*stride : i*stride + k, j*stride : j*stride + k]`.
# * `out` has shape `(N, C, (H - k) // stride + 1, (W - k) // stride + 1)`.
#
# The names and arguments are those of `torch.nn.functional.max_pool2d` and `avg_pool2d` (without
# padding). Loops over output positions are fine. Return arrays of `x`'s dtype, as PyTorch does:
# float64 in, float64 out, and float32 in, float32 out (the tests check both). Do not modify `x`,
# and do not assume how it is laid out in memory: it may be a view, such as a transposed
# channels-last image.

# %% solution="max_pool2d"
def max_pool2d(x, kernel_size, stride=None):
    """Max pooling with square k x k windows. x: (N, C, H, W); stride defaults to kernel_size.

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

# %% solution="avg_pool2d"
def avg_pool2d(x, kernel_size, stride=None):
    """Average pooling with square k x k windows. x: (N, C, H, W); stride defaults to kernel_size.

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
            out[:, :, i, j] = x[:, :, i * step:i * step + k, j * step:j * step + k].mean(axis=(2, 3))
    return out
    ### END SOLUTION

# %% tests="test_max_pool2d_lecture" points=1
# The lecture's 4x4 example, the default stride, and channels pooled independently.
import numpy as np
from cs_utils.checks import assert_close, numpy_only

x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]], dtype=float).reshape(1, 1, 4, 4)
with numpy_only("max_pool2d"):
    out = max_pool2d(x, 2, 2)
assert_close(out, np.array([[[[6.0, 8.0], [3.0, 4.0]]]]), "max_pool2d(lecture 4x4, kernel_size=2, stride=2)")
with numpy_only("max_pool2d"):
    out_default = max_pool2d(x, 2)
assert_close(out_default, np.array([[[[6.0, 8.0], [3.0, 4.0]]]]),
             "max_pool2d(lecture 4x4, kernel_size=2): stride=None must mean stride = kernel_size")
# Two images, two channels: channel 1 is -x, whose window maxima are minus the window minima.
x2 = np.concatenate([x, -x], axis=1).repeat(2, axis=0)
with numpy_only("max_pool2d"):
    out2 = max_pool2d(x2, 2)
expected = np.array([[[6.0, 8.0], [3.0, 4.0]], [[-1.0, -2.0], [-1.0, 0.0]]])
assert_close(out2, np.stack([expected, expected]), "max_pool2d on 2 images x 2 channels (each map pooled alone)")
print("max_pool2d reproduces the lecture's example.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(3101)
for trial in range(8):
    k = int(rng.integers(1, 4))
    N, C = rng.integers(1, 3, size=2)
    Ho, Wo = rng.integers(1, 4, size=2)
    xs = rng.standard_normal((N, C, Ho * k, Wo * k))
    with checks.numpy_only("max_pool2d"):
        got = max_pool2d(xs, k)
    blocks = xs.reshape(N, C, Ho, k, Wo, k).max(axis=(3, 5))  # non-overlapping blocks
    checks.assert_close(got, blocks, f"max_pool2d(x {xs.shape}, {k}) with the default stride")
### END HIDDEN TESTS

# %% tests="test_max_pool2d_vs_torch" points=2
# Overlapping windows (AlexNet's 3x3, stride 2), leftover rows, and stride 1, against PyTorch.
import numpy as np
import torch.nn.functional as F
from cs_utils.checks import assert_close, assert_close_on_view, call_torch, numpy_only

rng = np.random.default_rng(1)
x = rng.standard_normal((2, 3, 9, 8))
for k, s in [(3, 2), (2, 2), (2, 1), (4, 3)]:
    with numpy_only("max_pool2d"):
        out = max_pool2d(x, k, s)
    assert_close(out, call_torch(F.max_pool2d, x, k, s),
                 f"max_pool2d(x (2, 3, 9, 8), kernel_size={k}, stride={s}) vs torch.nn.functional.max_pool2d")
# float32 in, float32 out; and the same input stored channels-last (a transposed view).
x32 = x.astype(np.float32)
with numpy_only("max_pool2d"):
    out32 = max_pool2d(x32, 3, 2)
assert np.shape(out32) == (2, 3, 4, 3) and out32.dtype == np.float32, (
    f"max_pool2d on float32 x returned {type(out32).__name__} of shape {np.shape(out32)}, dtype "
    f"{getattr(out32, 'dtype', None)}; return an array of x's dtype, as PyTorch does (np.empty(shape, dtype=x.dtype))")
assert_close(out32, call_torch(F.max_pool2d, x32, 3, 2), "max_pool2d(float32 x (2, 3, 9, 8), 3, 2)")
x_view = rng.standard_normal((2, 9, 8, 3)).transpose(0, 3, 1, 2)
with numpy_only("max_pool2d"):
    out_view = max_pool2d(x_view, 3, 2)
assert_close_on_view(out_view, call_torch(F.max_pool2d, x_view, 3, 2),
                     "max_pool2d(x_view, 3, 2), x_view = a.transpose(0, 3, 1, 2): a (2, 3, 9, 8) channels-last view",
                     "max_pool2d")
print("max_pool2d agrees with torch.nn.functional.max_pool2d, in float32 and on a view too.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(3102)
for trial in range(20):
    k = int(rng.integers(1, 5))
    s = int(rng.integers(1, 4))
    N, C = rng.integers(1, 3), rng.integers(1, 4)
    H, W = k + rng.integers(0, 7), k + rng.integers(0, 7)
    layout = ["array", "channels-last view", "view of every other column"][trial % 3]
    if layout == "array":
        xs = rng.standard_normal((N, C, H, W))
    elif layout == "channels-last view":
        xs = rng.standard_normal((N, H, W, C)).transpose(0, 3, 1, 2)
    else:
        xs = rng.standard_normal((N, C, H, 2 * W))[:, :, :, ::2]
    before = xs.copy()
    with checks.numpy_only("max_pool2d"):
        got = max_pool2d(xs, k, s)
    checks.assert_close(got, checks.call_torch(F.max_pool2d, xs, k, s),
                        f"max_pool2d(x {xs.shape} ({layout}), {k}, {s})")
    checks.assert_close(xs, before, "x after max_pool2d: the input must not be modified")
### END HIDDEN TESTS

# %% tests="test_avg_pool2d" points=2
# The lecture's 4x4 example averaged, then overlapping windows and leftovers against PyTorch.
import numpy as np
import torch.nn.functional as F
from cs_utils.checks import (assert_close, assert_close_naming_mistakes, assert_close_on_view, call_torch,
                             numpy_only)

x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]], dtype=float).reshape(1, 1, 4, 4)
with numpy_only("avg_pool2d"):
    out = avg_pool2d(x, 2)
means = np.array([[[[3.25, 5.25], [2.0, 2.0]]]])
assert_close_naming_mistakes(out, means, "avg_pool2d(lecture 4x4, kernel_size=2)",
                             {"The means were rounded down: the window sum was divided with // (floor division); "
                              "divide with / (or use .mean)": np.floor(means)})
rng = np.random.default_rng(2)
xr = rng.standard_normal((2, 3, 9, 8))
for k, s in [(3, 2), (2, None), (2, 1)]:
    with numpy_only("avg_pool2d"):
        out = avg_pool2d(xr, k, s)
    expected = call_torch(F.avg_pool2d, xr, k, s)
    # Every window's mean over all images and channels too: the mean of the per-channel means.
    over_all = np.broadcast_to(expected.mean(axis=(0, 1), keepdims=True), expected.shape)
    assert_close_naming_mistakes(out, expected, f"avg_pool2d(x (2, 3, 9, 8), kernel_size={k}, stride={s}) vs "
                                 "torch.nn.functional.avg_pool2d",
                                 {"Each window was averaged over every image and channel as well: .mean() with "
                                  "no axis averages the whole (N, C, k, k) block; average over the two window "
                                  "axes only, .mean(axis=(2, 3))": over_all})
# float32 in, float32 out; and the same input stored channels-last (a transposed view).
x32 = xr.astype(np.float32)
with numpy_only("avg_pool2d"):
    out32 = avg_pool2d(x32, 3, 2)
assert np.shape(out32) == (2, 3, 4, 3) and out32.dtype == np.float32, (
    f"avg_pool2d on float32 x returned {type(out32).__name__} of shape {np.shape(out32)}, dtype "
    f"{getattr(out32, 'dtype', None)}; return an array of x's dtype, as PyTorch does (np.empty(shape, dtype=x.dtype))")
assert_close(out32, call_torch(F.avg_pool2d, x32, 3, 2), "avg_pool2d(float32 x (2, 3, 9, 8), 3, 2)",
             rtol=1e-5, atol=1e-6)
x_view = rng.standard_normal((2, 9, 8, 3)).transpose(0, 3, 1, 2)
with numpy_only("avg_pool2d"):
    out_view = avg_pool2d(x_view, 3, 2)
assert_close_on_view(out_view, call_torch(F.avg_pool2d, x_view, 3, 2),
                     "avg_pool2d(x_view, 3, 2), x_view = a.transpose(0, 3, 1, 2): a (2, 3, 9, 8) channels-last view",
                     "avg_pool2d")
print("avg_pool2d agrees with the lecture's example and with PyTorch, in float32 and on a view too.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(3103)
for trial in range(20):
    k = int(rng.integers(1, 5))
    s = None if trial % 4 == 0 else int(rng.integers(1, 4))
    N, C = rng.integers(1, 3), rng.integers(1, 4)
    H, W = k + rng.integers(0, 7), k + rng.integers(0, 7)
    layout = ["array", "channels-last view", "view of every other row"][trial % 3]
    if layout == "array":
        xs = rng.standard_normal((N, C, H, W))
    elif layout == "channels-last view":
        xs = rng.standard_normal((N, H, W, C)).transpose(0, 3, 1, 2)
    else:
        xs = rng.standard_normal((N, C, 2 * H, W))[:, :, ::2]
    before = xs.copy()
    with checks.numpy_only("avg_pool2d"):
        got = avg_pool2d(xs, k, s)
    checks.assert_close(got, checks.call_torch(F.avg_pool2d, xs, k, s),
                        f"avg_pool2d(x {xs.shape} ({layout}), {k}, {s})")
    checks.assert_close(xs, before, "x after avg_pool2d: the input must not be modified")
### END HIDDEN TESTS

# %% [markdown]
# Max pooling in action: the lecture's 224×224×64 volume, and a photo pooled with 4×4 windows.

# %% tags=["experiment"]
volume = np.random.default_rng(SEED).standard_normal((1, 64, 224, 224))
print(f"2x2 max pool, stride 2: {volume.shape[1:]} -> {max_pool2d(volume, 2).shape[1:]}")
print(f"3x3 max pool, stride 2 (AlexNet, overlapping): (1, 96, 55, 55) -> "
      f"{max_pool2d(np.zeros((1, 96, 55, 55)), 3, 2).shape}")

photo = load_sample_image("camera", gray=True)[None, None]          # (1, 1, 512, 512)
digit = digits_x[:1]                                                 # (1, 1, 8, 8)
fig = show_images([photo[0, 0], max_pool2d(photo, 8)[0, 0], avg_pool2d(photo, 8)[0, 0],
                   digit[0, 0], max_pool2d(digit, 2)[0, 0], avg_pool2d(digit, 2)[0, 0]],
                  ["photo 512x512", "8x8 max pool: 64x64", "8x8 avg pool: 64x64",
                   f"digit '{digits_y[0]}' 8x8", "2x2 max pool: 4x4", "2x2 avg pool: 4x4"], ncols=3, size=2.6)
plt.show()

# %% [markdown]
# *Figure 1. Max and average pooling of a photo (top) and a digit (bottom). Average pooling is a
# blur followed by subsampling. Max pooling keeps the brightest pixel of each window, so thin
# bright details, such as the highlights on the tripod's legs, survive and grow thicker, while
# thin dark lines vanish into brighter surroundings.*
#
# ## 2. Backward: routing the gradient
#
# In a network, pooling sits between layers, so backpropagation needs $\partial L/\partial x$
# given $\partial L/\partial \text{out}$ (called `dout`, with the shape of the output).
#
# **Average pooling.** Each output is $\frac{1}{k^2}\sum$ of its window, so every element of the
# window receives $\text{dout}/k^2$.
#
# **Max pooling.** Each output equals one element of its window, the maximum; the other elements
# do not affect it (nudge them slightly and the max stays put). So the whole of `dout[n, c, i, j]`
# goes to the position of the maximum, and the other elements of the window get 0. On the
# lecture's example with $\text{dout} = \begin{bmatrix}1&2\\3&4\end{bmatrix}$, the maxima 6, 8, 3
# and 4 sit at (1, 1), (1, 3), (2, 0) and (3, 3), so
#
# $$dx = \begin{bmatrix}0&0&0&0\\0&1&0&2\\3&0&0&0\\0&0&0&4\end{bmatrix}.$$
#
# **Overlapping windows add up.** With stride < window size an element belongs to several
# windows, and it receives the sum of what each window sends it (`+=`, not `=`). With 3×3 windows
# at stride 1, an element that is the maximum of three windows collects three gradients.
#
# **Ties.** When a window holds several equal maxima, the max is not differentiable there: any
# split of `dout` among the tied elements is a valid subgradient. PyTorch picks one: its CPU and
# CUDA kernels scan each window row by row and keep the *first* element that is strictly larger
# than the running maximum, so **the first maximum in row-major order gets all of `dout`** and
# the other tied elements get 0. This is exactly the element `np.argmax` returns on the window
# flattened in row-major order (`window.reshape(..., k * k)`). PyTorch's documentation does not
# promise this rule; it is what the implementation does, and the tests that use ties compare with
# PyTorch on the CPU in float64. A numeric gradient at a tie gives yet another answer (the
# centred difference splits it evenly), so numeric checks only use inputs without ties.

# %% [markdown]
# ### Exercise 2: `max_pool2d_backward(dout, x, kernel_size, stride=None)` and `avg_pool2d_backward(...)`
#
# * `dout`: upstream gradient, the shape of the pooling output; `x`: the forward input
#   `(N, C, H, W)`; `kernel_size`, `stride` as in the forward pass (stride `None` means
#   `kernel_size`).
# * Return `dx` with the shape of `x`.
# * Max: route each `dout[n, c, i, j]` to the first maximum (row-major) of its window.
#   Average: spread it evenly, `dout / k**2` to each element of the window.
# * Accumulate where windows overlap. Do not modify `dout` or `x`.

# %% solution="max_pool2d_backward"
def max_pool2d_backward(dout, x, kernel_size, stride=None):
    """Gradient of max_pool2d with respect to x: dout goes to each window's first (row-major) maximum."""
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

# %% solution="avg_pool2d_backward"
def avg_pool2d_backward(dout, x, kernel_size, stride=None):
    """Gradient of avg_pool2d with respect to x: each window shares dout / k**2 among its elements."""
    ### BEGIN SOLUTION
    k = kernel_size
    step = k if stride is None else stride
    H_out, W_out = dout.shape[2], dout.shape[3]
    dx = np.zeros(x.shape, dtype=np.result_type(x, dout, np.float64))
    for i in range(H_out):
        for j in range(W_out):
            r, c = i * step, j * step
            dx[:, :, r:r + k, c:c + k] += dout[:, :, i, j][:, :, None, None] / (k * k)
    return dx
    ### END SOLUTION

# %% tests="test_max_pool2d_backward_routing" points=2
# The hand-worked example, then a numeric gradient check on an input without ties. A dx that equals
# what a common mistake gives (cs_utils/pool_reference.py) fails with the mistake named.
import importlib

import numpy as np
import torch.nn.functional as F

import cs_utils.pool_reference
from cs_utils.checks import (assert_close_naming_mistakes, call_torch, expect_default, inputs_left_unchanged,
                             numpy_only)
from cs_utils.gradcheck import numeric_gradient

pool_reference = importlib.reload(cs_utils.pool_reference)
x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]], dtype=float).reshape(1, 1, 4, 4)
dout = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
# The stride written out gets copies, so that a write into dout or x is named as such, not as a stride mistake.
with numpy_only("max_pool2d_backward"), inputs_left_unchanged("max_pool2d_backward", dout=dout, x=x):
    dx = expect_default(lambda: max_pool2d_backward(dout, x, 2),
                        lambda: max_pool2d_backward(dout.copy(), x.copy(), 2, 2),
                        "max_pool2d_backward(dout, x, 2)", "stride=None must mean stride = kernel_size, in the "
                        "backward pass as in the forward pass")
expected = np.array([[[[0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 2.0], [3.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 4.0]]]])
if np.asarray(dx).shape == x.shape and np.allclose(np.asarray(dx, dtype=float).sum(), 4 * dout.sum()):
    raise AssertionError("max_pool2d_backward sent dout to every element of the window; only the maximum "
                         "affects the output, so only it gets the gradient")
assert_close_naming_mistakes(dx, expected, "max_pool2d_backward on the lecture's 4x4 example with dout "
                             "[[1, 2], [3, 4]]", pool_reference.pool_grad_mistakes(F.max_pool2d, dout, x, 2))

rng = np.random.default_rng(3)
x = rng.standard_normal((2, 2, 6, 5))
dout = rng.standard_normal((2, 2, 3, 2))
with numpy_only("max_pool2d_backward"), inputs_left_unchanged("max_pool2d_backward", dout=dout, x=x):
    dx = max_pool2d_backward(dout, x, 2)
numeric = numeric_gradient(lambda v: call_torch(F.max_pool2d, v, 2, 2), x.copy(), dout)
assert_close_naming_mistakes(dx, numeric, "max_pool2d_backward vs the numeric gradient, x (2, 2, 6, 5), 2x2 windows",
                             pool_reference.pool_grad_mistakes(F.max_pool2d, dout, x, 2), atol=1e-6)
print("max_pool2d_backward routes each gradient to its window's maximum.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks
import cs_utils.gradcheck

checks = importlib.reload(cs_utils.checks)
numeric_grad = importlib.reload(cs_utils.gradcheck).numeric_gradient  # undo any patching of the reference
rng = np.random.default_rng(3104)
for trial in range(6):
    k = int(rng.integers(1, 4))
    s = None if trial % 2 else int(rng.integers(1, 4))
    xs = rng.standard_normal((int(rng.integers(1, 3)), int(rng.integers(1, 3)), k + int(rng.integers(0, 4)),
                              k + int(rng.integers(0, 4))))
    ds = rng.standard_normal(checks.call_torch(F.max_pool2d, xs, k, s).shape)
    x_before, d_before = xs.copy(), ds.copy()
    with checks.numpy_only("max_pool2d_backward"):
        got = max_pool2d_backward(ds, xs, k, s)
    want = numeric_grad(lambda v: checks.call_torch(F.max_pool2d, v, k, s), xs.copy(), ds)
    checks.assert_close(got, want, f"max_pool2d_backward, x {xs.shape}, kernel {k}, stride {s}", atol=1e-6)
    checks.assert_close(xs, x_before, "x after max_pool2d_backward: the input must not be modified")
    checks.assert_close(ds, d_before, "dout after max_pool2d_backward: it must not be modified")
### END HIDDEN TESTS

# %% tests="test_max_pool2d_backward_overlap" points=2
# Overlapping windows and strides, against PyTorch's autograd (inputs without ties).
import importlib

import numpy as np
import torch
import torch.nn.functional as F

import cs_utils.pool_reference
from cs_utils.checks import assert_close_naming_mistakes, inputs_left_unchanged, numpy_only

pool_reference = importlib.reload(cs_utils.pool_reference)

# A peak at the centre of a 5x5 map is the maximum of all nine 3x3 windows at stride 1.
x = -np.abs(np.arange(25.0) - 12).reshape(1, 1, 5, 5)
dout = np.ones((1, 1, 3, 3))
peak = np.zeros((1, 1, 5, 5))
peak[0, 0, 2, 2] = 9.0
# Writing with = keeps only one window's 1 at the peak.
mistakes = {"The nine windows' gradients were not added up: accumulate with += where windows overlap, "
            "not =": peak / 9, **pool_reference.pool_grad_mistakes(F.max_pool2d, dout, x, 3, 1)}
with numpy_only("max_pool2d_backward"), inputs_left_unchanged("max_pool2d_backward", dout=dout, x=x):
    dx = max_pool2d_backward(dout, x, 3, 1)
assert_close_naming_mistakes(dx, peak, "dx of a 5x5 map peaked at the centre after 3x3 max pooling at stride 1 with "
                             "dout = 1: all nine windows send their 1 to the centre", mistakes)
rng = np.random.default_rng(4)
x = rng.standard_normal((2, 3, 9, 8))
for k, s in [(3, 2), (2, 1), (3, 3), (4, 2)]:
    dout = rng.standard_normal(F.max_pool2d(torch.from_numpy(x), k, s).shape)
    expected = pool_reference.pool_grad(F.max_pool2d, dout, x, k, s)
    mistakes = pool_reference.pool_grad_mistakes(F.max_pool2d, dout, x, k, s)
    with numpy_only("max_pool2d_backward"), inputs_left_unchanged("max_pool2d_backward", dout=dout, x=x):
        dx = max_pool2d_backward(dout, x, k, s)
    assert_close_naming_mistakes(dx, expected, f"max_pool2d_backward, x (2, 3, 9, 8), kernel_size={k}, stride={s}, "
                                 "vs torch autograd", mistakes)
print("max_pool2d_backward accumulates over overlapping windows and agrees with torch autograd.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
pool_reference = importlib.reload(cs_utils.pool_reference)  # whatever the code above changed
rng = np.random.default_rng(3105)
for trial in range(20):
    k = int(rng.integers(1, 5))
    s = int(rng.integers(1, 4))
    xs = rng.standard_normal((int(rng.integers(1, 3)), int(rng.integers(1, 4)), k + int(rng.integers(0, 7)),
                              k + int(rng.integers(0, 7))))
    ds = rng.standard_normal(F.max_pool2d(torch.from_numpy(xs), k, s).shape)
    expected = pool_reference.pool_grad(F.max_pool2d, ds, xs, k, s)
    with checks.numpy_only("max_pool2d_backward"), checks.inputs_left_unchanged("max_pool2d_backward", dout=ds, x=xs):
        got = max_pool2d_backward(ds, xs, k, s)
    checks.assert_close(got, expected, f"max_pool2d_backward, x {xs.shape}, kernel {k}, stride {s}, vs torch autograd")
### END HIDDEN TESTS

# %% tests="test_max_pool2d_backward_ties" points=1
# Ties: the first maximum in row-major order gets the whole gradient, as in PyTorch (CPU, float64).
import importlib

import numpy as np
import torch
import torch.nn.functional as F

import cs_utils.pool_reference
from cs_utils.checks import assert_close, assert_close_naming_mistakes, numpy_only

pool_reference = importlib.reload(cs_utils.pool_reference)
x = np.array([[1, 3, 3, 0], [3, 2, 0, 0], [5, 5, 1, 2], [5, 5, 2, 1]], dtype=float).reshape(1, 1, 4, 4)
dout = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
with numpy_only("max_pool2d_backward"):
    dx = max_pool2d_backward(dout, x, 2)
# Windows: [1 3; 3 2] -> first 3 at (0, 1); [3 0; 0 0] -> (0, 2); [5 5; 5 5] -> (2, 0); [1 2; 2 1] -> (2, 3).
expected = np.array([[[[0.0, 1.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0], [3.0, 0.0, 0.0, 4.0], [0.0, 0.0, 0.0, 0.0]]]])
# Where every tied maximum gets its window's dout instead, the four 5s of the third window all get 3.
to_every_tie = np.array([[[[0.0, 1.0, 2.0, 0.0], [1.0, 0.0, 0.0, 0.0], [3.0, 3.0, 0.0, 4.0], [3.0, 3.0, 4.0, 0.0]]]])
mistakes = {"Every tied maximum got dout; only the first one in row-major order may, so that the gradient is "
            "counted once": to_every_tie, **pool_reference.pool_grad_mistakes(F.max_pool2d, dout, x, 2)}
assert_close_naming_mistakes(dx, expected, "max_pool2d_backward with tied maxima (the first maximum in row-major "
                             "order gets dout)", mistakes)
xt = torch.tensor(x, requires_grad=True)
F.max_pool2d(xt, 2).backward(torch.from_numpy(dout))
assert_close(expected, xt.grad.numpy(), "the worked tie example vs torch autograd (a check of the test itself)")
print("max_pool2d_backward breaks ties the way PyTorch does.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(3106)
for trial in range(15):
    k = int(rng.integers(2, 4))
    s = int(rng.integers(1, 4))
    xs = rng.integers(0, 3, size=(int(rng.integers(1, 3)), int(rng.integers(1, 3)), k + int(rng.integers(0, 5)),
                                  k + int(rng.integers(0, 5)))).astype(np.float64)   # many ties
    xt = torch.tensor(xs, requires_grad=True)
    pooled = F.max_pool2d(xt, k, s)
    ds = rng.standard_normal(pooled.shape)
    pooled.backward(torch.from_numpy(ds))
    with checks.numpy_only("max_pool2d_backward"):
        got = max_pool2d_backward(ds, xs, k, s)
    checks.assert_close(got, xt.grad.numpy(), f"max_pool2d_backward with ties, x {xs.shape}, kernel {k}, stride {s}")
### END HIDDEN TESTS

# %% tests="test_avg_pool2d_backward" points=2
# Even sharing, a numeric gradient check, and overlapping windows against PyTorch's autograd.
import importlib

import numpy as np
import torch
import torch.nn.functional as F

import cs_utils.pool_reference
from cs_utils.checks import (assert_close_naming_mistakes, call_torch, expect_default, inputs_left_unchanged,
                             numpy_only)
from cs_utils.gradcheck import numeric_gradient

pool_reference = importlib.reload(cs_utils.pool_reference)
x = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]], dtype=float).reshape(1, 1, 4, 4)
dout = np.array([[[[4.0, 8.0], [12.0, 16.0]]]])
# The stride written out gets copies, so that a write into dout or x is named as such, not as a stride mistake.
with numpy_only("avg_pool2d_backward"), inputs_left_unchanged("avg_pool2d_backward", dout=dout, x=x):
    dx = expect_default(lambda: avg_pool2d_backward(dout, x, 2),
                        lambda: avg_pool2d_backward(dout.copy(), x.copy(), 2, 2),
                        "avg_pool2d_backward(dout, x, 2)", "stride=None must mean stride = kernel_size, in the "
                        "backward pass as in the forward pass")
expected = np.kron(np.array([[1.0, 2.0], [3.0, 4.0]]), np.ones((2, 2)))[None, None]
assert_close_naming_mistakes(dx, expected, "avg_pool2d_backward on the 4x4 example with dout [[4, 8], [12, 16]] "
                             "(each of the four window elements gets dout / 4)",
                             pool_reference.pool_grad_mistakes(F.avg_pool2d, dout, x, 2))

rng = np.random.default_rng(5)
x = rng.standard_normal((2, 2, 7, 6))
dout = rng.standard_normal((2, 2, 3, 2))
with numpy_only("avg_pool2d_backward"), inputs_left_unchanged("avg_pool2d_backward", dout=dout, x=x):
    dx = avg_pool2d_backward(dout, x, 3, 2)
numeric = numeric_gradient(lambda v: call_torch(F.avg_pool2d, v, 3, 2), x.copy(), dout)
assert_close_naming_mistakes(dx, numeric, "avg_pool2d_backward vs the numeric gradient, x (2, 2, 7, 6), 3x3 "
                             "windows, stride 2", pool_reference.pool_grad_mistakes(F.avg_pool2d, dout, x, 3, 2),
                             atol=1e-6)
print("avg_pool2d_backward shares each gradient evenly and accumulates over overlaps.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(3107)
for trial in range(20):
    k = int(rng.integers(1, 5))
    s = None if trial % 4 == 0 else int(rng.integers(1, 4))
    xs = rng.standard_normal((int(rng.integers(1, 3)), int(rng.integers(1, 4)), k + int(rng.integers(0, 7)),
                              k + int(rng.integers(0, 7))))
    xt = torch.tensor(xs, requires_grad=True)
    pooled = F.avg_pool2d(xt, k, s)
    ds = rng.standard_normal(pooled.shape)
    pooled.backward(torch.from_numpy(ds))
    x_before, d_before = xs.copy(), ds.copy()
    with checks.numpy_only("avg_pool2d_backward"):
        got = avg_pool2d_backward(ds, xs, k, s)
    checks.assert_close(got, xt.grad.numpy(), f"avg_pool2d_backward, x {xs.shape}, kernel {k}, stride {s}")
    checks.assert_close(xs, x_before, "x after avg_pool2d_backward: the input must not be modified")
    checks.assert_close(ds, d_before, "dout after avg_pool2d_backward: it must not be modified")
### END HIDDEN TESTS

# %% [markdown]
# Why numeric checks avoid ties: on a window with two equal maxima, PyTorch (and your function)
# give all of `dout` to the first one, while the centred difference gives half to each. Both are
# valid subgradients; they are simply different choices.

# %% tags=["experiment"]
tie = np.array([[[[2.0, 2.0], [0.0, 1.0]]]])
xt = torch.tensor(tie, requires_grad=True)
F.max_pool2d(xt, 2).sum().backward()
print("window [[2, 2], [0, 1]]")
print("  torch autograd:      ", xt.grad.numpy().ravel())
print("  max_pool2d_backward: ", max_pool2d_backward(np.ones((1, 1, 1, 1)), tie, 2).ravel())
print("  numeric gradient:    ", numeric_gradient(lambda v: max_pool2d(v, 2), tie.copy()).ravel())

# %% [markdown]
# ## 3. Pooling and small shifts
#
# Max pooling is said to make the output tolerant to small shifts: moving a feature by one pixel
# inside a window does not change the window's maximum. Below, 500 digits are shifted one column
# to the right, and we measure how much the representation changes,
# $\|f(x) - f(x_{\text{shifted}})\| / \|f(x)\|$, for the raw pixels and after 2×2 and 4×4 pooling.
#
# A smaller change alone proves little: a 4×4 or 2×2 summary of an 8×8 digit is coarser, and a
# coarse representation changes less under *any* perturbation. So we add two controls:
#
# * **subsampling** (keep every k-th pixel) and **average pooling**, which give outputs of the same
#   size as max pooling;
# * the change to a **different digit** (each image against the next image in the dataset whose
#   label differs from its own), measured the same way. The last column, shift change ÷
#   different-digit change, is below 1 only when the representation forgets the shift more than
#   it forgets the digit.

# %% tags=["experiment"]
images = digits_x[:500]
shifted = np.roll(images, 1, axis=3)
shifted[..., 0] = 0                      # the column that wrapped around becomes background


def relative_change(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(a)


labels = digits_y[:500]
# image i against the next image (wrapping around) whose label differs from image i's
partner = [next(j % 500 for j in range(i + 1, i + 500) if labels[j % 500] != labels[i]) for i in range(500)]
other_digits = images[partner]
print("pairs with the same label:", int(np.sum(labels == labels[partner])))
print(f"{'representation':<22}{'size':>6}{'shift':>8}{'other digit':>13}{'ratio':>7}")
representations = [("raw pixels", 1, lambda v: v)]
for k in [2, 4]:
    representations += [(f"{k}x{k} subsampling", k, lambda v, k=k: v[..., ::k, ::k]),
                         (f"{k}x{k} average pooling", k, lambda v, k=k: avg_pool2d(v, k)),
                         (f"{k}x{k} max pooling", k, lambda v, k=k: max_pool2d(v, k))]
for name, k, f in representations:
    base = f(images)
    by_shift, by_digit = relative_change(base, f(shifted)), relative_change(base, f(other_digits))
    print(f"{name:<22}{f'{8 // k}x{8 // k}':>6}{by_shift:>8.0%}{by_digit:>13.0%}{by_shift / by_digit:>7.2f}")

# %% [markdown]
# Read the table row by row. At the same output size, max pooling changes much less under the
# shift than subsampling does (about 54% against 84% at 2×2, 20% against 52% at 4×4): keeping the
# largest value of each window does forgive a one-pixel move that subsampling does not. But the
# control column shows the price: max pooling shrinks the difference between two *different*
# digits just as much: the ratio stays between about 0.9 and 1.2 for every representation, and
# 4×4 max pooling, with the smallest shift change, has the highest ratio.
# On 8×8 digits a one-column shift moves every stroke by an eighth of the image, a change as large
# as swapping the digit, so no fixed pooling can forgive one without forgetting the other. Pooling
# tolerates shifts that are small *relative to the features*: in a deep network it pools feature
# maps whose units already respond to whole strokes, where a one-pixel move is small.
#
# Pooling loses *where exactly* a feature was, keeping *whether* it was there, which is often
# what a classifier needs. Modern networks sometimes replace pooling with strided convolutions
# (notebook 02), which downsample with learned weights.
#
# ## 4. Global average pooling and the fully connected layer
#
# **Global average pooling** (GAP) averages each whole activation map to one number:
# `(N, C, H, W)` → `(N, C)`. It is average pooling with a window as large as the map. GoogLeNet
# and ResNet use it after their last convolution instead of large fully connected layers.

# %% tags=["experiment"]
maps = np.random.default_rng(SEED).standard_normal((2, 512, 7, 7))
gap = avg_pool2d(maps, 7)[:, :, 0, 0]
print(f"GAP: {maps.shape} -> {gap.shape}")
print("equals the mean over H and W:", np.allclose(gap, maps.mean(axis=(2, 3))))
print("equals torch's adaptive_avg_pool2d(x, 1):",
      np.allclose(gap, F.adaptive_avg_pool2d(torch.from_numpy(maps), 1).numpy()[:, :, 0, 0]))
print(f"weights of FC 7*7*512 -> 4096 (VGG): {7 * 7 * 512 * 4096:,}; GAP then FC 512 -> 1000: {512 * 1000:,}")

# %% [markdown]
# A **fully connected (FC) layer** connects every output to the entire input volume, as in an
# ordinary neural network: flatten the `(C, H, W)` volume of each image into a vector and compute
# $Wx + b$. Each output is one dot product with the whole volume, which is a convolution whose
# filter is exactly as large as the volume. The next cell checks that an FC layer and a
# convolution with `H×W×C` filters give the same numbers.

# %% tags=["experiment"]
rng = np.random.default_rng(SEED)
volume = rng.standard_normal((4, 16, 2, 2))            # e.g. the last pooled maps of a small ConvNet
w_fc = rng.standard_normal((10, 16 * 2 * 2))
b_fc = rng.standard_normal(10)
fc = volume.reshape(4, -1) @ w_fc.T + b_fc
as_conv = F.conv2d(torch.from_numpy(volume), torch.from_numpy(w_fc.reshape(10, 16, 2, 2)), torch.from_numpy(b_fc))
print(f"FC: {volume.shape} -> flatten {volume.reshape(4, -1).shape} -> {fc.shape}")
print("FC layer == convolution with 2x2x16 filters:", np.allclose(fc, as_conv.numpy()[:, :, 0, 0]))

# %% [markdown]
# ## Questions
#
# Three short questions, graded automatically. Answer each by setting the variable in the cell
# below it: a number, or a letter (`"a"`, `"b"`, ...) for a choice. The test cell only checks
# that your answer has the right form; whether it is right is checked when you submit.
#
# **Question 1.** AlexNet max-pools its 55×55×96 maps with 3×3 windows at stride 2. What is the
# height (= width) of the pooled maps? Set `answer_pool_size`.

# %% solution="answer_pool_size"
### BEGIN SOLUTION
answer_pool_size = (55 - 3) // 2 + 1
### END SOLUTION

# %% tests="test_answer_pool_size" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_pool_size" in globals(), "set answer_pool_size in the cell above to a number"
value = checks.number_answer(answer_pool_size, "answer_pool_size")
### BEGIN HIDDEN TESTS
assert value == (55 - 3) / 2 + 1, (
    f"answer_pool_size = {value:g} is not the output size of 3x3 pooling at stride 2 on 55x55")
### END HIDDEN TESTS

# %% [markdown]
# **Question 2.** How many learnable parameters does a 2×2 max-pooling layer (stride 2) have when
# it is applied to a 112×112×64 volume? Set `answer_pool_params`.

# %% solution="answer_pool_params"
### BEGIN SOLUTION
answer_pool_params = 0
### END SOLUTION

# %% tests="test_answer_pool_params" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_pool_params" in globals(), "set answer_pool_params in the cell above to a number"
value = checks.number_answer(answer_pool_params, "answer_pool_params")
### BEGIN HIDDEN TESTS
assert value == 0, (
    f"answer_pool_params = {value:g} is not the number of parameters of a pooling layer")
### END HIDDEN TESTS

# %% [markdown]
# **Question 3.** A feature map has a single thin, bright response (one activation of 8, the rest
# of its 4×4 window close to 0). What does 4×4 *max* pooling keep that 4×4 *average* pooling does not?
#
# * (a) the exact position of the response inside the window
# * (b) the strength of the response: the window reports 8, where the average reports about 0.5
# * (c) the mean activation of the window
# * (d) more channels: max pooling keeps the depth, average pooling reduces it
#
# Set `answer_max_vs_avg` to `"a"`, `"b"`, `"c"` or `"d"`.

# %% solution="answer_max_vs_avg"
### BEGIN SOLUTION
answer_max_vs_avg = "b"
### END SOLUTION

# %% tests="test_answer_max_vs_avg" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_max_vs_avg" in globals(), (
    'set answer_max_vs_avg in the cell above to a letter in quotes, such as "a"')
choice = checks.choice_answer(answer_max_vs_avg, "answer_max_vs_avg")
### BEGIN HIDDEN TESTS
assert choice == "b", f"answer_max_vs_avg = {choice!r} does not say what max pooling keeps"
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Putting it together: a whole ConvNet
#
# Historically, ConvNet architectures followed the pattern
#
# $$[(\text{CONV-RELU})\times N - \text{POOL?}]\times M - (\text{FC-RELU})\times K - \text{SOFTMAX}$$
#
# where $N$ is usually up to about 5, $M$ is large and $0 \le K \le 2$: a few convolutions, an
# optional pool, repeated $M$ times, then up to two hidden FC layers and a softmax classifier.
# (ResNet and GoogLeNet have since challenged this pattern, as notebooks 10 and 11 show.) The
# lecture names two trends: smaller filters in deeper networks (VGG's 3×3 stacks, notebook 09),
# and fewer POOL and FC layers, down to networks of CONV layers alone (strided convolutions
# downsample, and global average pooling replaces the big FC layers; notebooks 10 and 11).
#
# Below is a small instance for the 8×8 digits, with $N = 2$, $M = 2$, $K = 1$. The convolution
# is a vectorized helper written here (notebook 04 derives it properly); the pooling is your
# `max_pool2d`. The network prints the shape of its data after every layer.

# %%
from numpy.lib.stride_tricks import sliding_window_view


def conv_forward(x, w, b, padding):
    """Vectorized conv (stride 1): windows (N, C, H', W', HH, WW) contracted with w (F, C, HH, WW)."""
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(x, w.shape[2:], axis=(2, 3))
    return np.einsum("nchwij,fcij->nfhw", windows, w) + b[None, :, None, None]


def softmax(scores):
    shifted = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def make_convnet(spec, in_channels, in_size, n_classes, rng):
    """Random weights (He initialisation) for a list of layers such as ("conv", 8), ("pool", 2), ("fc", 32)."""
    params, channels, size, flat = [], in_channels, in_size, None
    for kind, arg in spec:
        if kind == "conv":
            params.append((rng.standard_normal((arg, channels, 3, 3)) * np.sqrt(2 / (9 * channels)), np.zeros(arg)))
            channels = arg
        elif kind == "pool":
            size //= arg
            params.append(None)
        elif kind == "fc":
            fan_in = flat or channels * size * size
            params.append((rng.standard_normal((arg, fan_in)) * np.sqrt(2 / fan_in), np.zeros(arg)))
            flat = arg
    fan_in = flat or channels * size * size
    params.append((rng.standard_normal((n_classes, fan_in)) * np.sqrt(1 / fan_in), np.zeros(n_classes)))
    return params


def convnet_forward(x, spec, params, verbose=True):
    """[(CONV-RELU)*N-POOL?]*M-(FC-RELU)*K-FC-SOFTMAX, printing the data's shape after each layer."""
    log = print if verbose else (lambda *args: None)
    log(f"{'input':<16} {str(x.shape):<18}")
    h = x
    for (kind, arg), p in zip(spec, params):
        if kind == "conv":
            h = np.maximum(conv_forward(h, p[0], p[1], padding=1), 0)
            label, n_params = f"CONV3x3({arg})-RELU", p[0].size + p[1].size
        elif kind == "pool":
            h = max_pool2d(h, arg)
            label, n_params = f"POOL{arg}x{arg}", 0
        else:
            h = np.maximum(h.reshape(len(h), -1) @ p[0].T + p[1], 0)
            label, n_params = f"FC({arg})-RELU", p[0].size + p[1].size
        log(f"{label:<16} {str(h.shape):<18} {n_params:>6} parameters")
    w, b = params[-1]
    probs = softmax(h.reshape(len(h), -1) @ w.T + b)
    log(f"{'FC-SOFTMAX':<16} {str(probs.shape):<18} {w.size + b.size:>6} parameters")
    return probs


spec = [("conv", 8), ("conv", 8), ("pool", 2),      # (CONV-RELU)*2-POOL
        ("conv", 16), ("conv", 16), ("pool", 2),    # (CONV-RELU)*2-POOL
        ("fc", 32)]                                 # (FC-RELU)*1, then FC-SOFTMAX
params = make_convnet(spec, in_channels=1, in_size=8, n_classes=10, rng=np.random.default_rng(SEED))
probs = convnet_forward(digits_x[:5], spec, params)
print("\nclass probabilities of the first image (random, untrained weights):", probs[0].round(3))
print(f"they range from {probs[0].min():.2f} to {probs[0].max():.2f}; uniform would be 0.10 each")
print("each row sums to 1:", np.allclose(probs.sum(axis=1), 1))

# %% [markdown]
# The probabilities are not uniform: random weights already score some classes several times
# higher than others, without any reason. They are meaningless until the network is trained.
#
# Two spatial halvings take the 8×8 digits to 2×2×16, which the FC layers flatten into 64 numbers.
# The same network in PyTorch, with the same weights copied in, must give the same probabilities;
# this checks every layer of the NumPy forward pass at once.

# %%
layers, channels = [], 1
for (kind, arg), p in zip(spec, params):
    if kind == "conv":
        conv = nn.Conv2d(channels, arg, 3, padding=1).double()
        conv.weight.data, conv.bias.data = torch.from_numpy(p[0]), torch.from_numpy(p[1])
        layers += [conv, nn.ReLU()]
        channels = arg
    elif kind == "pool":
        layers.append(nn.MaxPool2d(arg))
    else:
        fc_layer = nn.Linear(p[0].shape[1], arg).double()
        fc_layer.weight.data, fc_layer.bias.data = torch.from_numpy(p[0]), torch.from_numpy(p[1])
        layers += [nn.Flatten(), fc_layer, nn.ReLU()]
head = nn.Linear(params[-1][0].shape[1], 10).double()
head.weight.data, head.bias.data = torch.from_numpy(params[-1][0]), torch.from_numpy(params[-1][1])
torch_net = nn.Sequential(*layers, head, nn.Softmax(dim=1))
print(torch_net)
with torch.no_grad():
    torch_probs = torch_net(torch.from_numpy(digits_x[:5])).numpy()
print("NumPy ConvNet == PyTorch ConvNet:", np.allclose(probs, torch_probs))

# %% [markdown]
# The untrained network's activations already show structure: below are the eight maps at the end
# of the first (CONV-RELU)×2-POOL block (conv, ReLU, conv, ReLU, 2×2 max pooling), random filters
# applied to a real digit.

# %% tags=["experiment"]
h1 = np.maximum(conv_forward(digits_x[:1], *params[0], padding=1), 0)
h2 = max_pool2d(np.maximum(conv_forward(h1, *params[1], padding=1), 0), 2)
fig, axes = plt.subplots(1, 9, figsize=(15, 2.3), gridspec_kw={"width_ratios": [1] * 9})
axes[0].imshow(digits_x[0, 0], cmap="gray")
axes[0].set_title(f"input: digit '{digits_y[0]}'\n8x8", fontsize=9)
top = float(h2[0].max())                    # one colour scale for all eight maps (all >= 0 after ReLU)
for i, ax in enumerate(axes[1:]):
    image = ax.imshow(h2[0, i], cmap="viridis", vmin=0, vmax=top)
    ax.set_title(f"map {i}, 4x4\nmax {h2[0, i].max():.2f}", fontsize=9)
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
fig.colorbar(image, ax=list(axes[1:]), fraction=0.02, pad=0.01, label="activation")
plt.show()

# %% [markdown]
# *Figure 2. A digit (left) and the eight 4×4 maps after the first (CONV-RELU)×2-POOL block of the
# untrained network, all drawn on one shared colour scale (colorbar on the right; dark is 0), so
# the maps can be compared with each other: some respond strongly to this digit, some barely, and
# each title gives the map's largest value. With 4×4 maps of an 8×8 digit, each cell summarises
# a 2×2 region, so only the rough layout of the strokes survives. Training (notebook 04) turns
# these random features into useful ones.*
#
# ## Summary
#
# * Pooling downsamples every activation map on its own, with no parameters; 2×2 windows at
#   stride 2 turn 224×224×64 into 112×112×64. The lecture's 4×4 example max-pools to [[6, 8], [3, 4]].
# * Backward, average pooling shares `dout / k²` across the window; max pooling sends all of
#   `dout` to the maximum, the first one in row-major order when there is a tie (PyTorch's rule).
#   Overlapping windows accumulate their contributions.
# * Global average pooling maps `(N, C, H, W)` to `(N, C)`; a fully connected layer is a
#   convolution with a filter as large as its input.
# * Classic ConvNets follow `[(CONV-RELU)*N-POOL?]*M-(FC-RELU)*K-SOFTMAX`; the trend is towards
#   smaller filters, deeper networks, and fewer POOL and FC layers.
#
# **Next:** notebook 04 writes the convolution's backward pass, makes the convolution fast, and
# trains a ConvNet like this one on the digits.
