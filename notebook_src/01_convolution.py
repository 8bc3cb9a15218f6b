# %% [markdown]
# # 01 · Convolution
#
# **Week 7: Convolutional Neural Networks, notebook 1 of 12.**
#
# A convolution layer is the building block of every network in this course, from LeNet to ResNet.
# In this notebook you write one yourself in NumPy, check it against PyTorch, and watch what
# hand-made filters pull out of a real photo.
#
# **Learning goals**
# 1. Explain why a fully connected layer is a poor fit for images (parameters, spatial structure).
# 2. Compute one activation as a dot product between a filter and an image patch, plus a bias.
# 3. Implement `conv2d(x, w, b=None)` (stride 1, no padding) with shapes `(N, C, H, W)` and
#    `(F, C, HH, WW)`, and predict its output shape `(N, F, H - HH + 1, W - WW + 1)`.
# 4. Relate your function to `torch.nn.functional.conv2d` and `nn.Conv2d`.
#
# **How this notebook works.** Run the cells in order. Write your code where it says
# `YOUR CODE HERE` and delete the `raise NotImplementedError()` line. The test cell after an
# exercise checks your answer at once and says what is wrong. When you submit, hidden tests also
# compare your function with PyTorch on random shapes, so make it correct in general, not only
# for the visible examples. Test cells call your function with PyTorch switched off: the
# exercise is to write the convolution in NumPy.

# %%
# Setup: imports, seeding, and which mode and data this run uses.
import numpy as np
import matplotlib.pyplot as plt

from cs_utils.checks import assert_close
from cs_utils.data import describe_dataset, load_digits, load_sample_image
from cs_utils.plotting import show_activation_maps, show_filters, show_images, show_signed_maps
from cs_utils.runtime import describe_run, reset_seed

SEED = 0
reset_seed(SEED)
describe_run("scikit-image sample photos, scikit-learn digits, small random arrays", SEED)
print(describe_dataset("skimage"))
print(describe_dataset("digits"))

# %% [markdown]
# ## 1. Why not a fully connected layer?
#
# Stretch a 32×32×3 image into a vector of 3,072 numbers and feed it to a fully connected layer
# with 10 outputs: that layer holds a 10×3,072 weight matrix, and each output is one
# 3,072-dimensional dot product. Two things go wrong as images grow.
#
# * **Parameters.** Every output is wired to every pixel. Producing a 28×28×6 output this way
#   would need 3,072 × 4,704 ≈ 14.5 million weights.
# * **Spatial structure is thrown away.** The layer has no notion of which pixels are
#   neighbours. Shuffle the pixels of every image with one fixed permutation and a fully
#   connected model learns exactly as well, because it only ever sees an unordered list.
#
# The next cell checks the second claim on the digits dataset: a linear classifier trained on
# the original 8×8 digits and one trained on pixel-shuffled digits reach the same accuracy.

# %% tags=["experiment"]
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

digits_x, digits_y = load_digits()
flat = digits_x.reshape(len(digits_x), -1)
permutation = np.random.default_rng(SEED).permutation(flat.shape[1])
x_train, x_test, y_train, y_test = train_test_split(flat, digits_y, test_size=0.3, random_state=SEED)

accuracy = {}
for name, order in [("original pixels", np.arange(flat.shape[1])), ("shuffled pixels", permutation)]:
    model = LogisticRegression(max_iter=2000).fit(x_train[:, order], y_train)
    accuracy[name] = model.score(x_test[:, order], y_test)
    print(f"fully connected (linear) classifier on {name}: test accuracy {accuracy[name]:.3f}")

fc_weights = 3072 * 10
print(f"\nweights of a 3072 -> 10 fully connected layer: {fc_weights:,}")
print(f"weights to map 32x32x3 to 28x28x6 fully connected: {3072 * 28 * 28 * 6:,}")
print(f"weights of six 5x5x3 filters doing the same job:    {6 * 5 * 5 * 3:,} (+ 6 biases)")

# %% tags=["experiment"]
fig = show_images([digits_x[0, 0], flat[0, permutation].reshape(8, 8), digits_x[1, 0],
                   flat[1, permutation].reshape(8, 8)],
                  ["a digit", "same digit, shuffled", "another digit", "shuffled"], ncols=4)
plt.show()

# %% [markdown]
# *Figure 1. Left of each pair, a digit as we see it; right, the same pixels in a fixed shuffled
# order. The fully connected classifier scored the same on both, so it never used the fact that
# neighbouring pixels belong together.*
#
# A convolution layer keeps the image as a 3-D volume (height × width × depth) and slides a
# small filter over it. The filter is reused at every position, so the layer has few weights,
# and each output looks only at a local neighbourhood, so the order of pixels matters.

# %% [markdown]
# ## 2. One filter, one number
#
# Take a 32×32×3 image and a 5×5×3 filter. **A filter always spans the full depth of its
# input**: 3 channels in, so the filter has 3 channels too. Place the filter on a 5×5 patch of
# the image, multiply element by element and add everything up: a 5·5·3 = 75-dimensional dot
# product, plus a bias. That single number is one activation:
#
# $$\text{out} = w^\top x_{\text{patch}} + b .$$
#
# In NumPy we store images channel-first, as PyTorch does: one image is `(C, H, W)` and a batch
# is `(N, C, H, W)`. A bank of `F` filters is `(F, C, HH, WW)`.

# %%
rng = np.random.default_rng(SEED)
image = rng.standard_normal((3, 32, 32))   # (C, H, W)
one_filter = rng.standard_normal((3, 5, 5))  # (C, HH, WW): as deep as the image
bias = 0.5

patch = image[:, 10:15, 20:25]               # the 5x5x3 chunk under the filter at row 10, column 20
activation = np.sum(patch * one_filter) + bias
same_as_dot = patch.ravel() @ one_filter.ravel() + bias
print(f"patch shape {patch.shape}, {patch.size} numbers multiplied and summed")
print(f"activation = {activation:.4f}; written as a 75-d dot product: {same_as_dot:.4f}")

# %% [markdown]
# ## 3. Sliding the filter: activation maps
#
# Slide the filter over every position where it fits entirely inside the image and compute one
# activation at each. A 5×5 filter fits at 32 − 5 + 1 = 28 positions along each axis, so one
# filter produces a 28×28 **activation map**. With six filters we get six maps, stacked into a
# 28×28×6 "new image". In general, with stride 1 and no padding,
#
# $$H_{\text{out}} = H - HH + 1, \qquad W_{\text{out}} = W - WW + 1 .$$
#
# What deep learning libraries call convolution is, strictly, **cross-correlation**: the filter
# is *not* flipped before it slides. PyTorch's `conv2d` works this way, and so must yours.
#
# A worked example to check your understanding. With one channel, the input and filter
#
# $$x = \begin{bmatrix}1&2&3\\4&5&6\\7&8&9\end{bmatrix}, \quad
# w = \begin{bmatrix}1&2\\0&-1\end{bmatrix}$$
#
# give a 2×2 output. Its top-left entry is 1·1 + 2·2 + 4·0 + 5·(−1) = 0, and the full output is
# [[0, 2], [6, 8]]. (A flipped filter would give [[12, 14], [18, 20]] instead.)
#
# The animation below slides a 3×3 filter over a 5×5 input, one position per frame (press play,
# or step with the buttons). At each position the orange square marks the nine pixels under the
# filter; their products with the filter weights, summed, give the output entry that lights up on
# the right. PyTorch computes the numbers here; Exercise 1 has you write the same function.

# %% tags=["experiment"]
import torch
import torch.nn.functional as F
from IPython.display import HTML

from cs_utils.animation import animation_html, sliding_filter_animation

grid = np.random.default_rng(SEED).integers(0, 10, size=(5, 5)).astype(float)
edge = np.array([[1.0, 0.0, -1.0], [1.0, 0.0, -1.0], [1.0, 0.0, -1.0]])  # left columns minus right columns
slid = F.conv2d(torch.from_numpy(grid)[None, None], torch.from_numpy(edge)[None, None])[0, 0].numpy()
# The frames travel inside the notebook as images with their own player: it plays offline and in exported HTML.
HTML(animation_html(sliding_filter_animation(grid, edge, slid)))

# %% [markdown]
# *Figure 2. A 3×3 filter (middle, weights printed) sliding over a 5×5 input (left, pixel values
# printed) at stride 1: 5 − 3 + 1 = 3 positions along each axis, so nine frames and a 3×3 output
# (right), filled in row by row. Each output is the sum of the nine products under the orange
# square; red entries are positive (larger values in the left column than in the right), blue ones
# negative.*

# %% [markdown]
# ### Exercise 1: `conv2d(x, w, b=None)`
#
# Implement the forward pass of a convolution layer with stride 1 and no padding.
#
# * `x`: input, shape `(N, C, H, W)`
# * `w`: filters, shape `(F, C, HH, WW)`
# * `b`: biases, shape `(F,)`, or `None` for no bias
# * returns `out`, shape `(N, F, H - HH + 1, W - WW + 1)`, where
#   `out[n, f, i, j] = sum(x[n, :, i:i+HH, j:j+WW] * w[f]) + b[f]`
#
# The names and argument order are those of `torch.nn.functional.conv2d`. Loops are fine here;
# notebook 04 makes it fast. Return an array of `x`'s dtype, as PyTorch does: float64 in, float64
# out, and float32 in, float32 out (the tests check both). Do not modify `x` or `w`, and do not
# assume how `x` is laid out in memory: it may be a view, such as section 6's
# `photo.transpose(2, 0, 1)[None]`.

# %% solution="conv2d"
def conv2d(x, w, b=None):
    """Naive forward pass of a convolution layer (stride 1, no padding).

    x: (N, C, H, W), w: (F, C, HH, WW), b: (F,) or None.
    Returns out: (N, F, H - HH + 1, W - WW + 1).
    """
    ### BEGIN SOLUTION
    N, C, H, W = x.shape
    F, C_w, HH, WW = w.shape
    if C != C_w:
        raise ValueError(f"x has {C} channels but w expects {C_w}")
    H_out, W_out = H - HH + 1, W - WW + 1
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64  # x's dtype, as PyTorch
    out = np.zeros((N, F, H_out, W_out), dtype=dtype)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, f, i, j] = np.sum(x[n, :, i:i + HH, j:j + WW] * w[f])
            if b is not None:
                out[n, f] += b[f]
    return out
    ### END SOLUTION

# %% tests="test_conv2d_shape" points=1
# The lecture's example: a batch of two 32x32x3 images and six 5x5x3 filters, in float64 and float32.
import numpy as np
import torch.nn.functional as F
from cs_utils.checks import (assert_close, assert_shape, call_torch, explain_failure, inputs_left_unchanged,
                             numpy_only)

rng = np.random.default_rng(1)
x = rng.standard_normal((2, 3, 32, 32))
w = rng.standard_normal((6, 3, 5, 5))
b = rng.standard_normal(6)
with numpy_only("conv2d"), inputs_left_unchanged("conv2d", x=x, w=w, b=b):
    out = conv2d(x, w, b)
assert_shape(out, (2, 6, 28, 28), "conv2d(x, w, b) with x (2, 3, 32, 32) and w (6, 3, 5, 5)")
# Each activation is a 75-number dot product plus a bias; check two of them directly.
assert_close(out[0, 0, 0, 0], np.sum(x[0, :, 0:5, 0:5] * w[0]) + b[0], "out[0, 0, 0, 0]")
assert_close(out[1, 5, 27, 13], np.sum(x[1, :, 27:32, 13:18] * w[5]) + b[5], "out[1, 5, 27, 13]")
# float32 in, float32 out, as PyTorch does (float32 keeps about 7 digits, hence the looser tolerance).
x32, w32, b32 = x.astype(np.float32), w.astype(np.float32), b.astype(np.float32)
with numpy_only("conv2d"):
    out32 = conv2d(x32, w32, b32)
assert_shape(out32, (2, 6, 28, 28), "conv2d(x, w, b) with float32 x (2, 3, 32, 32) and w (6, 3, 5, 5)")
assert out32.dtype == np.float32, (
    f"conv2d on float32 x returned dtype {out32.dtype}; return an array of x's dtype, as PyTorch does "
    "(for instance np.zeros(shape, dtype=x.dtype))")
with explain_failure("The float64 corners above were right, so the code may assume 8-byte elements: "
                     "if you use as_strided, take the byte strides from x.strides"):
    assert_close(out32, call_torch(F.conv2d, x32, w32, b32), "conv2d on float32 x, w, b vs torch.nn.functional.conv2d",
                 rtol=1e-4, atol=1e-4)
print("conv2d produces a 28x28x6 volume per image, with the right values in the corners, and keeps float32.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)  # undo any monkey-patching of the checks by student code
rng = np.random.default_rng(101)
for trial in range(10):
    N, C, F_out, HH, WW = (int(v) for v in rng.integers(1, 4, size=5))
    H, W = HH + int(rng.integers(0, 6)), WW + int(rng.integers(0, 6))
    dtype = np.float32 if trial % 2 else np.float64
    x = rng.standard_normal((N, H, W, C)).astype(dtype).transpose(0, 3, 1, 2)  # a channels-last view
    w, b = rng.standard_normal((F_out, C, HH, WW)).astype(dtype), rng.standard_normal(F_out).astype(dtype)
    with checks.numpy_only("conv2d"):
        out = conv2d(x, w, b)
    label = f"with {dtype.__name__} x {x.shape} (a transposed view), w {w.shape}"
    checks.assert_shape(out, (N, F_out, H - HH + 1, W - WW + 1), f"conv2d {label}")
    assert out.dtype == dtype, f"conv2d {label} returned dtype {out.dtype}: return an array of x's dtype"
    n, f, i, j = rng.integers(N), rng.integers(F_out), rng.integers(H - HH + 1), rng.integers(W - WW + 1)
    expected = np.sum(x[n, :, i:i + HH, j:j + WW].astype(np.float64) * w[f]) + b[f]
    tolerance = {"rtol": 1e-4, "atol": 1e-4} if dtype is np.float32 else {}
    checks.assert_close(out[n, f, i, j].astype(np.float64), expected, f"out[{n}, {f}, {i}, {j}] {label}", **tolerance)
### END HIDDEN TESTS

# %% tests="test_conv2d_values" points=2
# Hand-worked values: cross-correlation (no flip), channels summed, non-square filters.
import numpy as np
from cs_utils.checks import assert_close, inputs_left_unchanged, numpy_only

x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
w = np.array([[[[1.0, 2.0], [0.0, -1.0]]]])
with numpy_only("conv2d"), inputs_left_unchanged("conv2d", x=x, w=w):
    out = conv2d(x, w)
if np.allclose(np.asarray(out, dtype=float).ravel(), [12.0, 14.0, 18.0, 20.0]):
    raise AssertionError("conv2d flipped the filter (true convolution); deep learning's conv2d is "
                         "cross-correlation: out[i, j] = sum(x[i:i+HH, j:j+WW] * w), with no flip")
assert_close(out, np.array([[[[0.0, 2.0], [6.0, 8.0]]]]), "conv2d on the worked 3x3 example")

# Two channels: each output sums over both. Channel 1 holds 10 * channel 0 and the filter is all
# ones, so every output is 11 times the sum of a 2x2 window of channel 0.
x2 = np.concatenate([x, 10 * x], axis=1)
with numpy_only("conv2d"):
    out2 = conv2d(x2, np.ones((1, 2, 2, 2)))
window_sums = np.array([[12.0, 16.0], [24.0, 28.0]])
assert_close(out2, 11 * window_sums[None, None], "conv2d with 2 input channels (sum over channels)")

# A 1x3 filter on a 3x3 input gives a 3x1 output: rows and columns must not be mixed up.
with numpy_only("conv2d"):
    out3 = conv2d(x, np.array([[[[1.0, 0.0, -1.0]]]]))
assert_close(out3, np.array([[[[-2.0], [-2.0], [-2.0]]]]), "conv2d with a 1x3 filter")

# CS231n's classic check, with no padding: a 4x4 filter on a 4x4 input leaves a single position,
# so every output is a plain dot product over the whole image (einsum is an independent check).
x = np.linspace(-0.1, 0.5, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
w = np.linspace(-0.2, 0.3, num=3 * 3 * 4 * 4).reshape(3, 3, 4, 4)
b = np.linspace(-0.1, 0.2, num=3)
with numpy_only("conv2d"), inputs_left_unchanged("conv2d", x=x, w=w, b=b):
    out = conv2d(x, w, b)
expected = np.einsum("nchw,fchw->nf", x, w)[:, :, None, None] + b[None, :, None, None]
assert_close(out, expected, "conv2d on the CS231n linspace example")
print("conv2d matches the worked examples.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(202)
for trial in range(10):
    # One filter position: the output is a dot product over the whole input.
    N, C, F_out, H, W = rng.integers(1, 5, size=5)
    x, w = rng.standard_normal((N, C, H, W)), rng.standard_normal((F_out, C, H, W))
    with checks.numpy_only("conv2d"):
        out = conv2d(x, w)
    checks.assert_close(out, np.einsum("nchw,fchw->nf", x, w)[:, :, None, None],
                        f"conv2d with a filter as large as the input, x {x.shape}")
    # A one-row input: every output is a 1-D sliding dot product, checked with np.correlate.
    L, K = rng.integers(3, 9), rng.integers(1, 4)
    row, taps = rng.standard_normal(L), rng.standard_normal(K)
    with checks.numpy_only("conv2d"):
        out = conv2d(row.reshape(1, 1, 1, L), taps.reshape(1, 1, 1, K))
    checks.assert_close(out, np.correlate(row, taps, mode="valid").reshape(1, 1, 1, -1),
                        f"conv2d on a single row of length {L} with a 1x{K} filter")
    with checks.numpy_only("conv2d"):
        out = conv2d(row.reshape(1, 1, L, 1), taps.reshape(1, 1, K, 1))
    checks.assert_close(out, np.correlate(row, taps, mode="valid").reshape(1, 1, -1, 1),
                        f"conv2d on a single column of length {L} with a {K}x1 filter")
### END HIDDEN TESTS

# %% tests="test_conv2d_bias" points=1
# The bias is optional and adds one constant per filter, to every position of that filter's map; without
# one, float32 in still gives float32 out.
import numpy as np
from cs_utils.checks import assert_close, inputs_left_unchanged, numpy_only

rng = np.random.default_rng(2)
x = rng.standard_normal((2, 2, 6, 5))
w = rng.standard_normal((3, 2, 3, 2))
b = np.array([1.5, -2.0, 0.25])
with numpy_only("conv2d"), inputs_left_unchanged("conv2d", x=x, w=w):
    without_bias = conv2d(x, w)
with numpy_only("conv2d"), inputs_left_unchanged("conv2d", x=x, w=w, b=b):
    with_zero_bias = conv2d(x, w, np.zeros(3))
    with_bias = conv2d(x, w, b)
assert_close(without_bias, with_zero_bias, "conv2d(x, w) compared with conv2d(x, w, zeros)")
assert_close(with_bias - without_bias, np.broadcast_to(b[None, :, None, None], with_bias.shape),
             "conv2d(x, w, b) - conv2d(x, w): should be b[f] everywhere in map f")
x32, w32 = x.astype(np.float32), w.astype(np.float32)
with numpy_only("conv2d"):
    without_bias32 = conv2d(x32, w32)
assert getattr(without_bias32, "dtype", None) == np.float32, (
    f"conv2d(x, w) on float32 x and w, without a bias, returned dtype {getattr(without_bias32, 'dtype', None)}: "
    "zeros made for a missing bias with np.zeros(F) are float64, and adding a float64 bias upcasts the float32 "
    "output to float64. Make them in x's dtype (np.zeros(F, dtype=x.dtype)) or skip the addition when b is None")
print("The bias is optional and added once per filter.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(303)
for trial in range(8):
    N, C, F_out, HH, WW = rng.integers(1, 4, size=5)
    x = rng.standard_normal((N, C, HH + rng.integers(0, 4), WW + rng.integers(0, 4)))
    w, b = rng.standard_normal((F_out, C, HH, WW)), rng.standard_normal(F_out)
    with checks.numpy_only("conv2d"):
        difference = conv2d(x, w, b) - conv2d(x, w, None)
    checks.assert_close(difference, np.broadcast_to(b[None, :, None, None], difference.shape),
                        f"conv2d(x, w, b) - conv2d(x, w, None) with x {x.shape}, w {w.shape}", atol=1e-12)
    with checks.numpy_only("conv2d"):
        no_bias32 = conv2d(x.astype(np.float32), w.astype(np.float32))
    assert getattr(no_bias32, "dtype", None) == np.float32, (
        f"conv2d(x, w) with float32 x {x.shape}, w {w.shape} and no bias returned dtype "
        f"{getattr(no_bias32, 'dtype', None)}: return an array of x's dtype")
### END HIDDEN TESTS

# %% tests="test_conv2d_vs_torch" points=4
# Compare with PyTorch's conv2d in float64, on a visible example and (when graded) on random shapes.
import numpy as np
import torch.nn.functional as F
from cs_utils.checks import (assert_close_naming_mistakes, assert_close_on_view, call_torch, inputs_left_unchanged,
                             numpy_only)

rng = np.random.default_rng(3)
x = rng.standard_normal((2, 3, 9, 7))
w = rng.standard_normal((4, 3, 3, 2))
b = rng.standard_normal(4)
with numpy_only("conv2d"), inputs_left_unchanged("conv2d", x=x, w=w, b=b):
    out = conv2d(x, w, b)
# Summing each window over the whole batch gives every image the output of the sum of the images.
batch_summed = np.broadcast_to(call_torch(F.conv2d, x.sum(axis=0, keepdims=True), w, b), (2, 4, 7, 6))
assert_close_naming_mistakes(out, call_torch(F.conv2d, x, w, b), "conv2d vs torch.nn.functional.conv2d on "
                             "x (2, 3, 9, 7), w (4, 3, 3, 2)",
                             {"Every image got the same output, the sum over the batch: sum each window over the "
                              "channels and filter taps of one image, x[n, :, i:i+HH, j:j+WW] * w[f], not over "
                              "x[:, :, ...] (np.sum without an axis adds up all images)": batch_summed})
# The same kind of input stored channels-last, as section 6's photo.transpose(2, 0, 1)[None]: a view.
x_view = rng.standard_normal((2, 9, 7, 3)).transpose(0, 3, 1, 2)
with numpy_only("conv2d"):
    out_view = conv2d(x_view, w, b)
assert_close_on_view(out_view, call_torch(F.conv2d, x_view, w, b),
                     "conv2d on x_view = a.transpose(0, 3, 1, 2), a (2, 3, 9, 7) view of a channels-last array",
                     "conv2d")
print("conv2d agrees with torch.nn.functional.conv2d, on a view too.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)  # undo any monkey-patching of the checks by student code
rng = np.random.default_rng(20261128)
for trial in range(25):
    N, C, F_out = rng.integers(1, 4), rng.integers(1, 5), rng.integers(1, 5)
    HH, WW = rng.integers(1, 6, size=2)
    H, W = HH + rng.integers(0, 7), WW + rng.integers(0, 7)
    layout = ["array", "channels-last view", "view of every other row"][trial % 3]
    if layout == "array":
        x = rng.standard_normal((N, C, H, W))
    elif layout == "channels-last view":
        x = rng.standard_normal((N, H, W, C)).transpose(0, 3, 1, 2)
    else:
        x = rng.standard_normal((N, C, 2 * H, W))[:, :, ::2]
    w = rng.standard_normal((F_out, C, HH, WW))
    b = rng.standard_normal(F_out) if trial % 4 else None
    x_before, w_before = x.copy(), w.copy()
    with checks.numpy_only("conv2d"):
        out = conv2d(x, w, b)
    label = f"trial {trial}: x {x.shape} ({layout}), w {w.shape}, bias {'none' if b is None else 'yes'}"
    checks.assert_close(out, checks.call_torch(F.conv2d, x, w, b), f"conv2d, {label}")
    checks.assert_close(x, x_before, f"x after conv2d ({label}): the input must not be modified")
    checks.assert_close(w, w_before, f"w after conv2d ({label}): the filters must not be modified")
### END HIDDEN TESTS

# %% [markdown]
# ## 4. The same layer in PyTorch
#
# `torch.nn.functional.conv2d(input, weight, bias)` takes exactly the arguments of your function:
# input `(N, C, H, W)`, weight `(F, C, HH, WW)`, bias `(F,)`. The layer object `nn.Conv2d` owns
# such a weight and bias; `nn.Conv2d(3, 6, 5)` is "six 5×5 filters over 3 input channels".

# %% tags=["experiment"]
import torch
import torch.nn as nn
import torch.nn.functional as F

x = np.random.default_rng(SEED).standard_normal((2, 3, 32, 32))
layer = nn.Conv2d(in_channels=3, out_channels=6, kernel_size=5).double()
w_torch = layer.weight.detach().numpy()
b_torch = layer.bias.detach().numpy()
ours = conv2d(x, w_torch, b_torch)
theirs = layer(torch.from_numpy(x)).detach().numpy()
n_params = sum(p.numel() for p in layer.parameters())
print(f"nn.Conv2d(3, 6, 5): weight {tuple(layer.weight.shape)}, bias {tuple(layer.bias.shape)}, "
      f"{n_params} parameters")
print(f"output shape: ours {ours.shape}, PyTorch {tuple(theirs.shape)}; "
      f"largest difference {np.abs(ours - theirs).max():.2e}")

# %% [markdown]
# 456 parameters (6·5·5·3 weights + 6 biases) against millions for a fully connected layer with
# the same output size. The same six filters are applied at all 28×28 positions.
#
# ## 5. Convolution keeps track of *where*
#
# Because the same filter is applied everywhere, shifting the input shifts the output by the
# same amount (away from the borders). This property, **translation equivariance**, is why a
# cat detector trained on cats in one corner also fires on cats in another.

# %% tags=["experiment"]
x = np.random.default_rng(SEED).standard_normal((1, 3, 20, 20))
w = np.random.default_rng(SEED + 1).standard_normal((2, 3, 3, 3))
shift = 4
shifted_input = np.roll(x, shift, axis=3)              # move the image 4 pixels right
out_of_shifted = conv2d(shifted_input, w)
shifted_output = np.roll(conv2d(x, w), shift, axis=3)  # move the output 4 pixels right
interior = (Ellipsis, slice(shift, None))             # columns not touched by the wrap-around
print("conv(shift(x)) == shift(conv(x)) away from the border:",
      np.allclose(out_of_shifted[interior], shifted_output[interior]))

# %% [markdown]
# ## Questions
#
# Three short questions, graded automatically. Answer each by setting the variable in the cell
# below it: a letter (`"a"`, `"b"`, ...) for a choice, a number for a count. The test cell only
# checks that your answer has the right form; whether it is right is checked when you submit.
#
# **Question 1.** Image-processing libraries such as `scipy.signal.convolve2d` compute a *true*
# convolution: they flip the filter (left-right and top-bottom) before sliding it. Your `conv2d`
# computes cross-correlation with `w = [[1, 2], [0, -1]]`. Which filter must you give
# `convolve2d` to get exactly the same output?
#
# * (a) `[[1, 2], [0, -1]]`: the same filter, since the two operations are the same thing
# * (b) `[[-1, 0], [2, 1]]`: the filter rotated by 180°
# * (c) `[[1, 0], [2, -1]]`: the filter transposed
# * (d) `[[-1, -2], [0, 1]]`: the filter with its sign changed
#
# Set `answer_flip` to `"a"`, `"b"`, `"c"` or `"d"`.

# %% solution="answer_flip"
### BEGIN SOLUTION
answer_flip = "b"
### END SOLUTION

# %% tests="test_answer_flip" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_flip" in globals(), (
    'set answer_flip in the cell above to a letter in quotes, such as "a"')
choice = checks.choice_answer(answer_flip, "answer_flip")
### BEGIN HIDDEN TESTS
assert choice == "b", f"answer_flip = {choice!r} is not the filter that true convolution needs"
### END HIDDEN TESTS

# %% [markdown]
# **Question 2.** Eight 3×3 filters slide over a 10×10×4 input with stride 1 and no padding. How
# many numbers does the output volume hold (for one input image)? Set `answer_output_numbers` to
# a number.

# %% solution="answer_output_numbers"
### BEGIN SOLUTION
answer_output_numbers = 8 * 8 * 8
### END SOLUTION

# %% tests="test_answer_output_numbers" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_output_numbers" in globals(), "set answer_output_numbers in the cell above to a number"
value = checks.number_answer(answer_output_numbers, "answer_output_numbers")
### BEGIN HIDDEN TESTS
assert value == 8 * 8 * 8, (
    f"answer_output_numbers = {value:g} is not the size of the output volume")
### END HIDDEN TESTS

# %% [markdown]
# **Question 3.** A vertical-edge filter gives its strongest response at column 20 of a photo's
# activation map. You shift the photo 5 pixels to the right (padding the left with background)
# and run the same layer again. What happens to that response?
#
# * (a) nothing: the activation map is unchanged
# * (b) the same response appears at column 25
# * (c) the response appears at column 25 with its sign flipped
# * (d) it disappears, because the filter was learned for column 20
#
# Set `answer_shift` to `"a"`, `"b"`, `"c"` or `"d"`.

# %% solution="answer_shift"
### BEGIN SOLUTION
answer_shift = "b"
### END SOLUTION

# %% tests="test_answer_shift" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_shift" in globals(), (
    'set answer_shift in the cell above to a letter in quotes, such as "a"')
choice = checks.choice_answer(answer_shift, "answer_shift")
### BEGIN HIDDEN TESTS
assert choice == "b", f"answer_shift = {choice!r} does not describe how a convolution responds to a shift"
### END HIDDEN TESTS

# %% [markdown]
# ## 6. Hand-made filters on a real photo
#
# Before any learning, we can set filter weights by hand and see what a convolution layer
# detects. Below, one `conv2d` call applies four 3×3×3 filters to the astronaut photo (shrunk
# to 128×128 so the loops stay fast):
#
# * **grayscale**: only the centre tap is non-zero, weighting red, green and blue by
#   0.299 / 0.587 / 0.114 (the ITU-R 601 luma weights);
# * **Sobel x** and **Sobel y**: derivative filters that respond to vertical and horizontal
#   edges, applied equally to all three channels;
# * **blur**: the average of the 3×3×3 neighbourhood.

# %% tags=["experiment"]
from skimage.transform import resize

photo = resize(load_sample_image("astronaut"), (128, 128), anti_aliasing=True)  # (H, W, 3) in [0, 1]
x_photo = photo.transpose(2, 0, 1)[None]                                       # (1, 3, 128, 128)

sobel_x = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
filters = np.zeros((4, 3, 3, 3))
filters[0, :, 1, 1] = [0.299, 0.587, 0.114]  # grayscale
filters[1] = sobel_x / 3                     # same edge filter on every channel, averaged
filters[2] = sobel_x.T / 3
filters[3] = 1 / 27                          # box blur over the 3x3x3 neighbourhood

maps = conv2d(x_photo, filters)
print(f"input {x_photo.shape} -> activation maps {maps.shape}")
fig = show_images([photo], ["input (128x128x3)"], size=3)
plt.show()
fig = show_activation_maps(maps[0, [0, 3]], ["grayscale", "blur"], ncols=2, size=3)
plt.show()
fig = show_signed_maps(maps[0, 1:3], ["Sobel x (signed)", "Sobel y (signed)"], ncols=2, size=3.4)
plt.show()

# %% [markdown]
# *Figure 3. The input and the four activation maps of one convolution layer with hand-set
# filters. The grayscale and blur maps are never negative and are drawn in one colour scale each.
# The Sobel maps are signed, so they use a diverging colormap centred on zero (colorbar beside
# each): white is no response, red means the pixels on the left (Sobel x) or above (Sobel y) are
# brighter, blue the opposite. Sobel x lights up along vertical edges such as the helmet's outline,
# Sobel y along horizontal ones.*
#
# A ReLU after the convolution keeps only positive responses. For the Sobel maps that means
# "edges with brighter pixels on the left" survive and the opposite edges vanish:

# %% tags=["experiment"]
relu_maps = np.maximum(maps[0, 1:3], 0)
fig = show_activation_maps(relu_maps, ["ReLU(Sobel x)", "ReLU(Sobel y)"], ncols=2, size=3)
plt.show()

# %% [markdown]
# *Figure 4. ReLU of the two edge maps: each now marks edges of one polarity only.*
#
# ## 7. Six filters make a new image, and layers stack
#
# The lecture's picture: six 5×5×3 filters over a 32×32×3 image give a 28×28×6 volume. That
# volume is an image with six channels, so the next layer's filters are 5×5×**6**. Ten of them
# give 24×24×10. Below the filters are random, as at the start of training.

# %% tags=["experiment"]
small = resize(load_sample_image("chelsea"), (32, 32), anti_aliasing=True)  # whole photo, resized
x_small = small.transpose(2, 0, 1)[None]                                       # (1, 3, 32, 32) in [0, 1]
# Pixels in [0, 1] are all positive, so a random filter whose weights sum to a negative number gives
# a map that is negative everywhere, and ReLU kills it. Networks are fed zero-centred inputs: subtract
# each channel's mean first.
centred = x_small - x_small.mean(axis=(2, 3), keepdims=True)
rng = np.random.default_rng(SEED)
w1 = rng.standard_normal((6, 3, 5, 5)) * 0.2
w2 = rng.standard_normal((10, 6, 5, 5)) * 0.2
z1 = conv2d(centred, w1, np.zeros(6))              # CONV
a1 = np.maximum(z1, 0)                              # ReLU
a2 = np.maximum(conv2d(a1, w2, np.zeros(10)), 0)    # CONV, ReLU
print(f"input {x_small.shape[1:]} -> conv 6x(5x5x3) -> {a1.shape[1:]} -> conv 10x(5x5x6) -> {a2.shape[1:]}")
alive_raw = (conv2d(x_small, w1, np.zeros(6)) > 0).mean(axis=(0, 2, 3))
alive = (z1 > 0).mean(axis=(0, 2, 3))
print("share of positions each map keeps after ReLU, raw [0, 1] input: ", np.round(alive_raw, 2))
print("share of positions each map keeps after ReLU, centred input:    ", np.round(alive, 2))
fig = show_images([small], ["input: photo resized to 32x32"], size=2.5)
plt.show()
fig = show_filters(w1, ncols=6, suptitle="six random 5x5x3 filters")
plt.show()
fig = show_signed_maps(z1[0], ncols=6, size=1.9, shared=True,
                       suptitle="their 28x28 activation maps on the centred input, before ReLU")
plt.show()

# %% [markdown]
# *Figure 5. The input (the whole cat photo resized to 32×32×3, top), six random 5×5×3 filters
# (middle, each shown as a small RGB image) and the six 28×28 activation maps they produce on the
# mean-centred input (bottom). The maps are signed, so they share one diverging colour scale
# centred on zero: ReLU keeps the red parts and zeroes the blue ones. The printed shares show that
# on the centred input every map keeps about half of its positions, while on the raw [0, 1] pixels
# some maps are negative everywhere and ReLU would leave them dead. Training replaces these random
# filters with useful ones; notebook 04 shows filters learned on digits.*
#
# ## 8. From hand-set filters to learned ones
#
# In section 6 we *chose* the Sobel filter. A network has to *find* its filters from data. Here is
# the smallest version of that: take some images, filter them with Sobel x using your `conv2d`,
# then forget the filter and recover it by gradient descent from the pairs (image, filtered
# image) alone. The unknown is one 3×3 filter; the loss is the mean squared difference between
# its output and the targets. PyTorch's autograd computes the gradient of that loss with respect
# to the nine weights (notebook 04 derives it by hand), and each step moves the weights a little
# against it, starting from small random weights.

# %% tags=["experiment"]
from cs_utils.runtime import is_quick

digits_x, _ = load_digits()
images = digits_x[:128] - digits_x[:128].mean()        # zero-centred, as networks are fed (section 7)
true_filter = np.array([[[[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]]])  # Sobel x, (1, 1, 3, 3)
targets = conv2d(images, true_filter)                   # the filtered versions, made by your conv2d

x_t, y_t = torch.from_numpy(images), torch.from_numpy(targets)
torch.manual_seed(SEED)
learned = (0.1 * torch.randn(1, 1, 3, 3, dtype=torch.float64)).requires_grad_()
steps = 200 if is_quick() else 500
losses = []
for step in range(steps):
    loss = F.mse_loss(F.conv2d(x_t, learned), y_t)
    learned.grad = None
    loss.backward()
    with torch.no_grad():
        learned -= 0.5 * learned.grad                   # plain gradient descent, learning rate 0.5
    losses.append(loss.item())
learned_filter = learned.detach().numpy()
print(f"{len(images)} digits, {steps} steps: loss {losses[0]:.3f} -> {losses[-1]:.1e}")
print("learned filter, rounded to 2 decimals:\n", learned_filter[0, 0].round(2) + 0.0)  # + 0.0: no "-0."
print(f"largest difference from Sobel x: {np.abs(learned_filter - true_filter).max():.1e}")

fig, axes = plt.subplots(1, 3, figsize=(10, 3), gridspec_kw={"width_ratios": [1, 1, 1.6]})
for ax, kernel, title in [(axes[0], true_filter, "true filter (Sobel x)"), (axes[1], learned_filter, "learned filter")]:
    ax.imshow(kernel[0, 0], cmap="RdBu_r", vmin=-2.5, vmax=2.5)
    for (i, j), v in np.ndenumerate(kernel[0, 0]):
        ax.text(j, i, f"{round(v, 2) + 0.0:.2f}", ha="center", va="center", fontsize=10)  # + 0.0: no "-0.00"
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
axes[2].semilogy(losses)
axes[2].set_xlabel("gradient-descent step")
axes[2].set_ylabel("mean squared error (log scale)")
axes[2].set_title("training loss", fontsize=10)
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 6. Left, the Sobel x filter that made the targets; middle, the filter gradient descent
# found from the 128 digits and their targets alone (weights rounded to two decimals), which
# matches it to within about 0.001 in quick mode (closer after the full run's 500 steps); right, the
# loss on a log scale: a fast drop in the first few steps, then a steady fall, from about 4.3 to
# about 1e-7.
# Nothing told the optimiser to look for an edge detector: the data did. A convolution layer in a network learns its
# filters in the same way, except that the targets are not given per layer: the gradient of the
# final loss reaches each filter through the layers above it.*
#
# ## Summary
#
# * A fully connected layer on images has a huge number of weights and ignores which pixels are
#   neighbours; a linear model did equally well on shuffled pixels.
# * A convolution filter spans the full input depth. Each output is one dot product of the
#   filter with a patch, plus a bias; sliding it gives an activation map.
# * With stride 1 and no padding, an `H×W` input and an `HH×WW` filter give an
#   `(H − HH + 1)×(W − WW + 1)` map; `F` filters give `F` maps, a new image of depth `F`.
# * Deep learning's convolution is cross-correlation (no flip), and your `conv2d` has the same
#   contract as `torch.nn.functional.conv2d`.
# * Filters need not be set by hand: gradient descent recovered a Sobel filter from images and
#   their filtered versions, which is how a network's layers get their filters.
#
# **Next:** notebook 02 adds stride and zero padding, the output-size formula
# (N − F + 2P)/S + 1, parameter counts, 1×1 convolutions and receptive fields.
