# %% [markdown]
# # 02 · Stride and padding
#
# **Week 7: Convolutional Neural Networks, notebook 2 of 12.**
#
# Notebook 01 slid a filter over every position where it fits. Real layers have two more knobs:
# the **stride** (how far the filter jumps between positions) and the **zero padding** (a border
# of zeros around the input). Together with the filter size they fix the output size, and with
# the number of filters they fix the number of parameters. This notebook works through the
# lecture's examples, and you write the bookkeeping functions that every later notebook relies on.
#
# **Learning goals**
# 1. Predict a convolution's output size with $(N - F + 2P)/S + 1$, and recognise when a filter
#    does not fit (the lecture's 7×7 input with a 3×3 filter at stride 3).
# 2. Implement `conv2d(x, w, b=None, stride=1, padding=0)` in NumPy for any stride and padding.
# 3. Count a layer's parameters (the lecture's answer: 760) and explain why 1×1 convolutions and
#    stacks of 3×3 filters are cheap.
# 4. Compute the receptive field of a stack of layers, with stride and dilation.
# 5. Map every argument of `nn.Conv2d` to these ideas, and check the shapes against PyTorch.
#
# **How this notebook works.** Run the cells in order. Write your code where it says
# `YOUR CODE HERE` and delete the `raise NotImplementedError()` line. The test cell after an
# exercise checks your answer at once and says what is wrong. When you submit, hidden tests also
# compare your functions with PyTorch on random shapes, strides and paddings, so make them correct
# in general, not only for the visible examples. Test cells call your functions with PyTorch
# switched off: the exercises are written in NumPy and plain Python.

# %%
# Setup: imports, seeding, and which mode and data this run uses.
import numpy as np
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F

from cs_utils.data import describe_dataset, load_sample_image
from cs_utils.plotting import show_images
from cs_utils.runtime import describe_run, reset_seed

SEED = 0
reset_seed(SEED)
describe_run("small random arrays, one scikit-image sample photo", SEED)
print(describe_dataset("skimage"))

# %% [markdown]
# ## 1. A closer look at spatial dimensions: stride
#
# The lecture's example: a 7×7 input (one channel, seen from above) and a 3×3 filter.
#
# * **Stride 1.** The filter's top-left corner visits columns 0, 1, 2, 3, 4: five positions per
#   row, so a **5×5** output.
# * **Stride 2.** It visits columns 0, 2, 4: a **3×3** output.
# * **Stride 3.** It visits columns 0 and 3; the next position, column 6, would need columns 6, 7
#   and 8, but the input ends at column 6. The filter **doesn't fit**: you cannot tile a 7×7
#   input with a 3×3 filter at stride 3.
#
# Counting positions gives the formula. Along one axis of length $N$, a filter of size $F$ has
# $N - F$ columns of room to move, and it moves $S$ at a time, so
#
# $$\text{output size} = \frac{N - F}{S} + 1 .$$
#
# For $N = 7, F = 3$: stride 1 gives $(7-3)/1 + 1 = 5$, stride 2 gives $(7-3)/2 + 1 = 3$, and
# stride 3 gives $(7-3)/3 + 1 = 2.33$, not an integer: the filter does not fit.

# %% tags=["experiment"]
from matplotlib.patches import Rectangle

fit_colours = ["C0", "C1", "C2", "C4", "C9"]            # no red among them: red means "doesn't fit"
fig, axes = plt.subplots(1, 3, figsize=(12, 2.2))
for ax, stride in zip(axes, [1, 2, 3]):
    starts = list(range(0, 7 - 3 + 1, stride))            # top-left columns where the filter fits
    if (7 - 3) % stride:
        starts.append(starts[-1] + stride)                 # the next one hangs over the edge
    for row, start in enumerate(starts):
        for col in range(7):
            ax.add_patch(Rectangle((col, -row), 1, 0.8, fill=False, color="0.6"))
        fits = start + 3 <= 7
        if fits:
            ax.add_patch(Rectangle((start, -row), 3, 0.8, alpha=0.35, color=fit_colours[row], lw=2))
        else:
            ax.add_patch(Rectangle((start, -row), 3, 0.8, fill=False, hatch="//", edgecolor="red",
                                   ls="--", lw=2))
        ax.text(-0.3, -row + 0.4, f"position {row}" if fits else "no fit", ha="right", va="center",
                fontsize=8, color="black" if fits else "red")
    ax.set_xlim(-2.6, 9.6)
    ax.set_ylim(-4.4, 1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    verdict = f"{(7 - 3) // stride + 1} positions" if (7 - 3) % stride == 0 else "doesn't fit!"
    ax.set_title(f"7 columns, 3x3 filter, stride {stride}: {verdict}", fontsize=10)
plt.show()

# %% [markdown]
# *Figure 1. One row of the 7×7 input (seven columns) and the columns the 3×3 filter covers at each
# position, one position per line; each valid position has its own (non-red) colour. At stride 1
# there are 5 positions, at stride 2 there are 3; at stride 3 the third position (red, hatched,
# dashed outline, labelled "no fit") would need columns 6, 7 and 8 and hangs over the edge.*
#
# ## 2. Zero padding
#
# Without padding every layer shrinks its input: 32 → 28 → 24 with 5×5 filters, as in notebook
# 01. In practice it is common to **zero pad the border**: surround the input with $P$ rings of
# zeros on *every* side (top, bottom, left and right) before sliding the filter. Padding adds $2P$
# to each spatial size, so
#
# $$\text{output size} = \frac{N - F + 2P}{S} + 1 .$$
#
# * 7×7 input, 3×3 filter, stride 1, pad 1: $(7 - 3 + 2)/1 + 1 = 7$, a **7×7 output**, the
#   same size as the input.
# * In general, stride 1 with $P = (F - 1)/2$ preserves the spatial size ("same" padding):
#   $F = 3 \Rightarrow P = 1$, $F = 5 \Rightarrow P = 2$, $F = 7 \Rightarrow P = 3$.
# * The lecture's example: a 32×32×3 input and ten 5×5 filters with stride 1, pad 2 give
#   $(32 + 2\cdot 2 - 5)/1 + 1 = 32$, a **32×32×10** output.
#
# A hand-worked example with padding. The 3×3 input $x = [[1,2,3],[4,5,6],[7,8,9]]$, padded with
# one ring of zeros, convolved with a 3×3 filter of ones (stride 1) gives the sum of each pixel's
# 3×3 neighbourhood inside the image:
#
# $$\begin{bmatrix}12&21&16\\27&45&33\\24&39&28\end{bmatrix}.$$
#
# The corner 12 = 1 + 2 + 4 + 5: only four real pixels lie under the filter there; the rest is
# padding.
#
# **Dilation** spreads a filter's taps apart: with dilation $D$ there are $D - 1$ skipped pixels
# between neighbouring taps, so a 3×3 filter with $D = 2$ covers a 5×5 area while still having 9
# weights. In the formula, $F$ becomes the *effective* size $D(F - 1) + 1$. Section 6 shows it.

# %% [markdown]
# ### Exercise 1: `conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1)`
#
# Return the output size along one axis as a Python `int`:
# $(n + 2\cdot\text{padding} - F_{\text{eff}})/\text{stride} + 1$ with
# $F_{\text{eff}} = \text{dilation}\cdot(\text{kernel\_size} - 1) + 1$.
#
# When the filter does not fit, raise `ValueError` with a message that says why, so that a
# network designer notices at once:
# * the (effective) filter is larger than the padded input, or
# * the filter's positions do not tile the padded input exactly, as with 7×7, 3×3, stride 3.
#   Say which strides or paddings would fit, or at least what the formula gives.
#
# Example: `conv_output_size(7, 3, stride=2)` is 3; `conv_output_size(7, 3, stride=3)` raises, but
# with `padding=1` the padded 9 pixels fit again and it is 3.

# %% solution="conv_output_size"
def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    """Output size along one axis of a convolution: (n + 2*padding - F_eff) / stride + 1.

    F_eff = dilation * (kernel_size - 1) + 1 is the filter's effective size.
    Returns an int. Raises ValueError when the filter does not fit.
    """
    ### BEGIN SOLUTION
    if kernel_size < 1 or stride < 1 or padding < 0 or dilation < 1:
        raise ValueError(f"need kernel_size >= 1, stride >= 1, padding >= 0 and dilation >= 1; got "
                         f"kernel_size={kernel_size}, stride={stride}, padding={padding}, dilation={dilation}")
    effective = dilation * (kernel_size - 1) + 1
    room = n + 2 * padding - effective
    if room < 0:
        raise ValueError(f"a filter of effective size {effective} does not fit in an input of size {n} "
                         f"padded to {n + 2 * padding}")
    if room % stride:
        raise ValueError(f"the filter doesn't fit: (n - F + 2P) / S + 1 = ({n} - {effective} + 2*{padding}) / "
                         f"{stride} + 1 = {room / stride + 1:.2f} is not an integer; change the stride "
                         f"or the padding (the last {room % stride} row(s) would be left over)")
    return int(room // stride + 1)
    ### END SOLUTION

# %% tests="test_conv_output_size_lecture" points=1
# The lecture's numbers: a 7x7 input with a 3x3 filter at stride 1, 2 and 3.
import numpy as np
from cs_utils.checks import expect_value_error, numpy_only

for stride, expected in [(1, 5), (2, 3)]:
    with numpy_only("conv_output_size"):
        got = conv_output_size(7, 3, stride=stride)
    assert isinstance(got, (int, np.integer)) and not isinstance(got, bool), (
        f"conv_output_size(7, 3, stride={stride}) returned {got!r} of type {type(got).__name__}; "
        "return an int (use // once you know the division is exact)")
    assert got == expected, f"conv_output_size(7, 3, stride={stride}) returned {got}, expected {expected}"
with numpy_only("conv_output_size"):
    err = expect_value_error(lambda: conv_output_size(7, 3, stride=3), "conv_output_size(7, 3, stride=3)",
                             "(7 - 3)/3 + 1 = 2.33 is not an integer, so the filter doesn't fit")
assert str(err).strip(), "raise ValueError with a message that says why the filter does not fit"
print("conv_output_size reproduces the lecture's 7x7 example.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
for n, k, s, expected in [(32, 5, 1, 28), (28, 5, 1, 24), (9, 3, 2, 4), (5, 5, 1, 1), (1, 1, 1, 1), (10, 2, 2, 5)]:
    with checks.numpy_only("conv_output_size"):
        got = checks.expect_no_value_error(lambda: conv_output_size(n, k, stride=s),
                                           f"conv_output_size({n}, {k}, stride={s})",
                                           f"the filter fits: the answer is {expected}")
    assert isinstance(got, (int, np.integer)) and not isinstance(got, bool), f"type {type(got).__name__}"
    assert got == expected, f"conv_output_size({n}, {k}, stride={s}) returned {got}, expected {expected}"
for n, k, s in [(7, 3, 3), (10, 3, 2), (8, 5, 2), (6, 2, 3)]:
    with checks.numpy_only("conv_output_size"):
        checks.expect_value_error(lambda: conv_output_size(n, k, stride=s), f"conv_output_size({n}, {k}, stride={s})",
                                  f"({n} - {k})/{s} + 1 is not an integer")
### END HIDDEN TESTS

# %% tests="test_conv_output_size_general" points=2
# Padding, dilation, a filter larger than the input, and the sizes PyTorch produces.
import numpy as np
import torch
import torch.nn.functional as F
from cs_utils.checks import expect_no_value_error, expect_value_error, numpy_only

cases = [  # (n, kernel_size, stride, padding, dilation, expected): worked out in the text above
    (7, 3, 1, 1, 1, 7),     # pad 1 keeps 7x7
    (32, 5, 1, 2, 1, 32),   # the lecture's 32x32x3 with 5x5 filters, pad 2
    (7, 3, 1, 0, 2, 3),     # a 3x3 filter with dilation 2 covers 5x5: 7 - 5 + 1 = 3
    (8, 3, 1, 2, 3, 6),     # dilation 3 covers 7x7: (8 - 7 + 4)/1 + 1 = 6
    (13, 3, 2, 1, 2, 6),    # (13 - 5 + 2)/2 + 1 = 6
    (7, 3, 3, 1, 1, 3),     # pad 1 makes the 7x7, stride-3 case fit: (7 - 3 + 2)/3 + 1 = 3
    (2, 3, 1, 1, 1, 2),     # a 3x3 filter is wider than a 2x2 input, but fits once it is padded to 4x4
]
for n, k, s, p, d, expected in cases:
    with numpy_only("conv_output_size"):
        got = expect_no_value_error(lambda: conv_output_size(n, k, stride=s, padding=p, dilation=d),
                                    f"conv_output_size({n}, {k}, stride={s}, padding={p}, dilation={d})",
                                    f"the filter fits: the answer is {expected}")
    # What the formula gives with one common slip each, where that differs from the right answer.
    slips = {"the padding goes on both sides of the input: n + 2 * padding, not n + padding":
             n + p - (d * (k - 1) + 1),
             "the effective filter size is dilation * (kernel_size - 1) + 1, not dilation * kernel_size":
             n + 2 * p - d * k}
    for why, room in slips.items():
        if room >= 0 and room % s == 0 and room // s + 1 == got != expected:
            raise AssertionError(f"conv_output_size({n}, {k}, stride={s}, padding={p}, dilation={d}) returned {got!r}, "
                                 f"expected {expected}: {why}")
    assert got == expected, (f"conv_output_size({n}, {k}, stride={s}, padding={p}, dilation={d}) returned "
                             f"{got!r}, expected {expected}")
    torch_size = F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d).shape[-1]
    assert got == torch_size, f"PyTorch gives {torch_size} for n={n}, k={k}, s={s}, p={p}, d={d}; you gave {got}"
# A filter exactly as large as the input fits at one position: (5 - 5)/1 + 1 = 1.
for n in [5, 1]:
    with numpy_only("conv_output_size"):
        got = expect_no_value_error(lambda: conv_output_size(n, n), f"conv_output_size({n}, {n})",
                                    f"a {n}x{n} filter on a {n}x{n} input is exactly as large as the input, so it fits "
                                    "at one position; raise only when the filter is larger (>, not >=)")
    assert got == 1, f"conv_output_size({n}, {n}) returned {got!r}, expected (n - n)/1 + 1 = 1"
for n, k, p, d in [(3, 5, 0, 1), (4, 3, 0, 2)]:
    with numpy_only("conv_output_size"):
        expect_value_error(lambda: conv_output_size(n, k, padding=p, dilation=d),
                           f"conv_output_size({n}, {k}, padding={p}, dilation={d})",
                           f"the effective filter ({d * (k - 1) + 1} wide) is larger than the padded input")
print("conv_output_size handles padding, dilation and filters that are too large.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(2024)
n_fit = n_raise = 0
for trial in range(60):
    n, k = int(rng.integers(1, 16)), int(rng.integers(1, 6))
    s, p, d = int(rng.integers(1, 5)), int(rng.integers(0, 4)), int(rng.integers(1, 4))
    effective = d * (k - 1) + 1
    fits = n + 2 * p >= effective and (n + 2 * p - effective) % s == 0
    label = f"conv_output_size({n}, {k}, stride={s}, padding={p}, dilation={d})"
    if fits:
        expected = F.conv2d(torch.zeros(1, 1, n, 1), torch.zeros(1, 1, k, 1), stride=(s, 1), padding=(p, 0),
                            dilation=(d, 1)).shape[2]
        with checks.numpy_only("conv_output_size"):
            got = checks.expect_no_value_error(lambda: conv_output_size(n, k, s, p, d), label,
                                               f"the filter fits: PyTorch gives {expected}")
        assert isinstance(got, (int, np.integer)) and not isinstance(got, bool), f"{label}: type {type(got).__name__}"
        assert got == expected, f"{label} returned {got}, PyTorch gives {expected}"
        n_fit += 1
    else:
        with checks.numpy_only("conv_output_size"):
            checks.expect_value_error(lambda: conv_output_size(n, k, s, p, d), label, "the filter does not fit")
        n_raise += 1
assert n_fit > 5 and n_raise > 5
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 2: `conv2d(x, w, b=None, stride=1, padding=0)`
#
# Extend notebook 01's convolution with a stride and zero padding (both ints, the same along
# height and width):
#
# * `x`: input `(N, C, H, W)`; `w`: filters `(F, C, HH, WW)`; `b`: biases `(F,)` or `None`
# * zero pad `x` with `padding` rows/columns on **every** side (`np.pad` helps), then
# * `out[n, f, i, j] = sum(x_padded[n, :, i*stride : i*stride + HH, j*stride : j*stride + WW] * w[f]) + b[f]`
# * the output has shape `(N, F, H_out, W_out)` with
#   `H_out = (H + 2*padding - HH) // stride + 1` and the same for `W_out`.
#
# Follow PyTorch when the filter does not tile the padded input exactly: the floor in the formula
# means the last few rows or columns, which no filter position can reach, are simply ignored
# (section 3 looks at this). So do not call your strict `conv_output_size` here. Loops over
# output positions are fine; notebook 04 makes it fast. Return an array of `x`'s dtype, float32 for
# float32 as in PyTorch and notebook 01 (the tests check both), and do not modify `x` or `w`.

# %% solution="conv2d"
def conv2d(x, w, b=None, stride=1, padding=0):
    """Naive forward pass of a convolution layer with stride and zero padding (ints).

    x: (N, C, H, W), w: (F, C, HH, WW), b: (F,) or None.
    Returns out: (N, F, (H + 2*padding - HH) // stride + 1, (W + 2*padding - WW) // stride + 1).
    """
    ### BEGIN SOLUTION
    N, C, H, W = x.shape
    F, C_w, HH, WW = w.shape
    if C != C_w:
        raise ValueError(f"x has {C} channels but w expects {C_w}")
    padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)), mode="constant")
    H_out = (H + 2 * padding - HH) // stride + 1
    W_out = (W + 2 * padding - WW) // stride + 1
    if H_out < 1 or W_out < 1:
        raise ValueError(f"a {HH}x{WW} filter does not fit in a {H}x{W} input padded by {padding}")
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float64  # x's dtype, as PyTorch
    out = np.zeros((N, F, H_out, W_out), dtype=dtype)
    for i in range(H_out):
        for j in range(W_out):
            top, left = i * stride, j * stride
            window = padded[:, :, top:top + HH, left:left + WW]          # (N, C, HH, WW)
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3]))
    if b is not None:
        out += np.reshape(b, (1, F, 1, 1))
    return out
    ### END SOLUTION

# %% tests="test_conv2d_stride" points=2
# The lecture's 7x7 input with a 3x3 filter at stride 1 and 2, checked with identities.
import numpy as np
from cs_utils.checks import assert_close, assert_shape, numpy_only

x = np.arange(49.0).reshape(1, 1, 7, 7)
centre = np.zeros((1, 1, 3, 3))
centre[0, 0, 1, 1] = 1.0  # a filter that copies the pixel under its centre
ones = np.ones((1, 1, 3, 3))
try:
    with numpy_only("conv2d"):
        out1 = conv2d(x, centre, stride=1)
except ValueError as err:
    if "broadcast" not in str(err):
        raise
    raise AssertionError(f"conv2d(x, w, stride=1) with the default padding 0 raised ValueError: {err}. If you pad "
                         "by writing x into a zero array, xp[:, :, P:-P, P:-P] = x, then with P = 0 that slice is "
                         "[0:-0] = [0:0], empty: write xp[:, :, P:P + H, P:P + W] = x, or use np.pad") from None
with numpy_only("conv2d"):
    out2 = conv2d(x, centre, stride=2)
assert_shape(out1, (1, 1, 5, 5), "conv2d of a 7x7 input with a 3x3 filter at stride 1")
assert_shape(out2, (1, 1, 3, 3), "conv2d of a 7x7 input with a 3x3 filter at stride 2")
# The centre filter at stride 1 reads pixels 1..5; at stride 2 it reads pixels 1, 3 and 5.
assert_close(out1, x[:, :, 1:6, 1:6], "conv2d(7x7, centre filter, stride 1)")
assert_close(out2, np.array([[[[8.0, 10.0, 12.0], [22.0, 24.0, 26.0], [36.0, 38.0, 40.0]]]]),
             "conv2d(7x7, centre filter, stride 2)")
# x is linear in (row, column), so every 3x3 window sums to 9 times its centre pixel.
with numpy_only("conv2d"):
    out3 = conv2d(x, ones, stride=2)
assert_close(out3, 9 * out2, "conv2d(7x7, 3x3 filter of ones, stride 2)")
# Stride 3 along a 10-pixel row with a 1x1 filter picks pixels 0, 3, 6, 9.
row = np.arange(10.0).reshape(1, 1, 1, 10)
with numpy_only("conv2d"):
    out4 = conv2d(row, np.full((1, 1, 1, 1), 2.0), stride=3)
assert_close(out4, np.array([[[[0.0, 6.0, 12.0, 18.0]]]]), "conv2d of a 1x10 row with a 1x1 filter (x2), stride 3")
print("conv2d steps by the stride.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks
from torch.nn import functional as F

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(707)
for trial in range(12):
    N, C, F_out = rng.integers(1, 3), rng.integers(1, 4), rng.integers(1, 4)
    HH, WW, S = int(rng.integers(1, 5)), int(rng.integers(1, 5)), int(rng.integers(2, 5))
    Ho, Wo = rng.integers(1, 5, size=2)
    extra_h, extra_w = rng.integers(0, S, size=2)  # up to S - 1 rows/columns no window reaches: PyTorch floors
    x = rng.standard_normal((N, C, (Ho - 1) * S + HH + extra_h, (Wo - 1) * S + WW + extra_w))
    w, b = rng.standard_normal((F_out, C, HH, WW)), rng.standard_normal(F_out)
    with checks.numpy_only("conv2d"):
        out = conv2d(x, w, b, stride=S)
    checks.assert_close(out, checks.call_torch(F.conv2d, x, w, b, stride=S),
                        f"conv2d with x {x.shape}, w {w.shape}, stride {S}")
### END HIDDEN TESTS

# %% tests="test_conv2d_padding" points=2
# Zero padding on every side: the hand-worked example and 'same' padding (F - 1)/2.
import numpy as np
from cs_utils.checks import assert_close, assert_close_naming_mistakes, assert_shape, numpy_only

x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
with numpy_only("conv2d"):
    out = conv2d(x, np.ones((1, 1, 3, 3)), padding=1)
pad_spatial_only = ("If you wrote np.pad(x, padding): it pads every axis, the batch and channel axes too, so the "
                    "padded array's first image is all zeros. Pad only the two spatial axes: "
                    "np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))")
if np.ndim(out) == 4 and np.shape(out)[:2] != (1, 1):
    raise AssertionError(f"conv2d of a (1, 1, 3, 3) input with one filter, padding 1, returned shape {np.shape(out)}: "
                         f"the batch and filter axes must not grow. {pad_spatial_only}")
if np.shape(out) == (1, 1, 3, 3) and not np.any(np.asarray(out, dtype=float)):
    raise AssertionError("conv2d of a 3x3 input of 1..9 with a 3x3 filter of ones, padding 1, returned only zeros: "
                         f"the filter never saw the image. {pad_spatial_only}")
assert_shape(out, (1, 1, 3, 3), "conv2d of a 3x3 input with a 3x3 filter, padding 1")
# Padding with copies of the border pixels (np.pad's mode="edge") instead of zeros: every 3x3 window sum.
edge_padded = np.lib.stride_tricks.sliding_window_view(np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), mode="edge"),
                                                       (3, 3), axis=(2, 3)).sum(axis=(4, 5))
assert_close_naming_mistakes(out, np.array([[[[12.0, 21.0, 16.0], [27.0, 45.0, 33.0], [24.0, 39.0, 28.0]]]]),
                             "conv2d on the hand-worked padding example (zeros on all four sides)",
                             {"These are the sums with the border pixels repeated as padding (np.pad's "
                              "mode='edge'); padding adds zeros, np.pad's default mode='constant'": edge_padded})
rng = np.random.default_rng(4)
for F_size in [3, 5, 7]:
    xs = rng.standard_normal((2, 3, 9, 8))
    with numpy_only("conv2d"):
        same = conv2d(xs, rng.standard_normal((4, 3, F_size, F_size)), padding=(F_size - 1) // 2)
    assert_shape(same, (2, 4, 9, 8), f"conv2d with a {F_size}x{F_size} filter and 'same' padding {(F_size - 1) // 2}")
# A 1x1 filter with padding 2 sees only zeros on the border: a 2-pixel frame of zeros.
with numpy_only("conv2d"):
    framed = conv2d(x, np.ones((1, 1, 1, 1)), padding=2)
expected = np.zeros((1, 1, 7, 7))
expected[:, :, 2:5, 2:5] = x
assert_close(framed, expected, "conv2d with a 1x1 filter of ones and padding 2")
print("conv2d pads with zeros on every side.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks
from torch.nn import functional as F

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(808)
for trial in range(12):
    N, C, F_out = rng.integers(1, 3), rng.integers(1, 4), rng.integers(1, 4)
    HH, WW, P = int(rng.integers(1, 6)), int(rng.integers(1, 6)), int(rng.integers(1, 4))
    H, W = max(1, HH - 2 * P) + rng.integers(0, 5), max(1, WW - 2 * P) + rng.integers(0, 5)
    x, w = rng.standard_normal((N, C, H, W)), rng.standard_normal((F_out, C, HH, WW))
    with checks.numpy_only("conv2d"):
        out = conv2d(x, w, padding=P)
    checks.assert_close(out, checks.call_torch(F.conv2d, x, w, padding=P),
                        f"conv2d with x {x.shape}, w {w.shape}, padding {P}")
### END HIDDEN TESTS

# %% tests="test_conv2d_vs_torch" points=3
# Stride, padding, bias and non-square filters together, against PyTorch in float64.
import numpy as np
import torch.nn.functional as F
from cs_utils.checks import assert_close, call_torch, numpy_only

rng = np.random.default_rng(5)
x = rng.standard_normal((2, 3, 9, 11))
w = rng.standard_normal((4, 3, 3, 5))
b = rng.standard_normal(4)
with numpy_only("conv2d"):
    out = conv2d(x, w, b, stride=2, padding=1)
assert_close(out, call_torch(F.conv2d, x, w, b, stride=2, padding=1),
             "conv2d vs torch.nn.functional.conv2d on x (2, 3, 9, 11), w (4, 3, 3, 5), stride 2, padding 1")
print("conv2d agrees with torch.nn.functional.conv2d.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)  # undo any monkey-patching of the checks by student code
rng = np.random.default_rng(20261129)
for trial in range(25):
    N, C, F_out = rng.integers(1, 3), rng.integers(1, 4), rng.integers(1, 5)
    HH, WW = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    S, P = int(rng.integers(1, 4)), int(rng.integers(0, 3))
    Ho, Wo = rng.integers(1, 5, size=2)
    H, W = (Ho - 1) * S + HH - 2 * P, (Wo - 1) * S + WW - 2 * P  # the filter tiles the padded input exactly,
    if trial % 2:                                                # or leaves rows/columns over (PyTorch floors)
        H, W = H + int(rng.integers(0, S)), W + int(rng.integers(0, S))
    if H < 1 or W < 1:
        continue
    x = rng.standard_normal((N, C, H, W))
    w = rng.standard_normal((F_out, C, HH, WW))
    b = rng.standard_normal(F_out) if trial % 3 else None
    x_before, w_before = x.copy(), w.copy()
    with checks.numpy_only("conv2d"):
        out = conv2d(x, w, b, stride=S, padding=P)
    label = f"trial {trial}: x {x.shape}, w {w.shape}, stride {S}, padding {P}, bias {'none' if b is None else 'yes'}"
    checks.assert_close(out, checks.call_torch(F.conv2d, x, w, b, stride=S, padding=P), f"conv2d, {label}")
    checks.assert_close(x, x_before, f"x after conv2d ({label}): the input must not be modified")
    checks.assert_close(w, w_before, f"w after conv2d ({label}): the filters must not be modified")
### END HIDDEN TESTS

# %% tests="test_conv2d_leftover" points=1
# When the filter does not tile the padded input, PyTorch ignores the rows and columns it cannot reach;
# and float32 in gives float32 out.
import numpy as np
import torch.nn.functional as F
from cs_utils.checks import assert_close, call_torch, numpy_only

rng = np.random.default_rng(6)
x = rng.standard_normal((1, 2, 7, 7))
w = rng.standard_normal((3, 2, 3, 3))
with numpy_only("conv2d"):
    out = conv2d(x, w, stride=3)
assert_close(out, call_torch(F.conv2d, x, w, stride=3),
             "conv2d of a 7x7 input with a 3x3 filter at stride 3 (PyTorch: 2x2, last column ignored)")
x32, w32, b32 = x.astype(np.float32), w.astype(np.float32), rng.standard_normal(3).astype(np.float32)
with numpy_only("conv2d"):
    out32 = conv2d(x32, w32, b32, stride=2, padding=1)
assert getattr(out32, "dtype", None) == np.float32, (
    f"conv2d on float32 x returned {type(out32).__name__} of dtype {getattr(out32, 'dtype', None)}; return an "
    "array of x's dtype, as PyTorch does (for instance np.zeros(shape, dtype=x.dtype))")
assert_close(out32, call_torch(F.conv2d, x32, w32, b32, stride=2, padding=1),
             "conv2d on float32 x (1, 2, 7, 7), w (3, 2, 3, 3), stride 2, padding 1", rtol=1e-4, atol=1e-5)
with numpy_only("conv2d"):
    without_bias32 = conv2d(x32, w32, stride=2, padding=1)
assert getattr(without_bias32, "dtype", None) == np.float32, (
    f"conv2d(x, w, stride=2, padding=1) on float32 x and w, without a bias, returned dtype "
    f"{getattr(without_bias32, 'dtype', None)}: zeros made for a missing bias with np.zeros(F) are float64, and "
    "adding a float64 bias upcasts the float32 output to float64. Make them in x's dtype "
    "(np.zeros(F, dtype=x.dtype)) or skip the addition when b is None")
print("conv2d floors like PyTorch when the filter does not fit exactly, and keeps float32.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(909)
for trial in range(10):
    HH, WW, S, P = int(rng.integers(1, 5)), int(rng.integers(1, 5)), int(rng.integers(2, 4)), int(rng.integers(0, 2))
    H, W = HH + int(rng.integers(1, 7)), WW + int(rng.integers(1, 7))
    dtype = np.float32 if trial % 2 else np.float64
    x, w = rng.standard_normal((1, 2, H, W)).astype(dtype), rng.standard_normal((2, 2, HH, WW)).astype(dtype)
    b = rng.standard_normal(2).astype(dtype) if trial % 3 else None
    with checks.numpy_only("conv2d"):
        out = conv2d(x, w, b, stride=S, padding=P)
    tolerance = {"rtol": 1e-4, "atol": 1e-5} if dtype is np.float32 else {}
    checks.assert_close(out, checks.call_torch(F.conv2d, x, w, b, stride=S, padding=P),
                        f"conv2d with {dtype.__name__} x {x.shape}, w {w.shape}, stride {S}, padding {P}", **tolerance)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. When the filter doesn't fit
#
# The lecture's formula says a 3×3 filter cannot be applied to a 7×7 input at stride 3, and your
# `conv_output_size` refuses. PyTorch is more lenient: it takes the floor, $\lfloor 4/3 \rfloor + 1
# = 2$, and silently ignores the last column, which no filter position reaches. Real networks rely
# on this. A ResNet's 7×7 stem with stride 2 and pad 3 on a 224×224 image gives
# $(224 - 7 + 6)/2 + 1 = 112.5$, floored to 112; a 3×3 stride-2 convolution with pad 1 on a 56×56
# map gives $(56 - 3 + 2)/2 + 1 = 28.5$, floored to 28. There the ignored row is only padding, so
# nothing is lost, but in the 7×7 case a real column of pixels is never seen.

# %% tags=["experiment"]
x7 = np.arange(49.0).reshape(1, 1, 7, 7)
for stride in [1, 2, 3]:
    try:
        predicted = conv_output_size(7, 3, stride=stride)
    except ValueError as err:
        predicted = f"ValueError: {err}"
    torch_shape = tuple(F.conv2d(torch.from_numpy(x7), torch.ones(1, 1, 3, 3, dtype=torch.float64),
                                 stride=stride).shape)
    print(f"stride {stride}: conv_output_size -> {predicted}\n          torch output shape {torch_shape}, "
          f"ours {conv2d(x7, np.ones((1, 1, 3, 3)), stride=stride).shape}")
for n, k, s, p in [(224, 7, 2, 3), (56, 3, 2, 1)]:
    torch_size = F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), stride=s, padding=p).shape[-1]
    print(f"n={n}, F={k}, S={s}, P={p}: (n - F + 2P)/S + 1 = {(n - k + 2 * p) / s + 1}, PyTorch gives {torch_size}")

# %% [markdown]
# Stride is also a cheap way to **downsample**: stride 2 computes a quarter of the outputs. Below,
# one 3×3 blur filter with pad 1 is applied to a 129×129 photo at strides 1, 2 and 4, which give
# $(129 - 3 + 2)/S + 1$ = 129, 65 and 33 pixels per side.

# %% tags=["experiment"]
from skimage.transform import resize

photo = resize(load_sample_image("camera", gray=True), (129, 129), anti_aliasing=True)[None, None]
blur = np.full((1, 1, 3, 3), 1 / 9)
strided = [conv2d(photo, blur, stride=s, padding=1)[0, 0] for s in [1, 2, 4]]
for s, m in zip([1, 2, 4], strided):
    assert m.shape[0] == conv_output_size(129, 3, stride=s, padding=1)
fig = show_images(strided, [f"stride {s}: {m.shape[0]}x{m.shape[1]}" for s, m in zip([1, 2, 4], strided)],
                  ncols=3, size=3)
plt.show()

# %% [markdown]
# *Figure 2. The same 3×3 blur with pad 1 at strides 1, 2 and 4 (each drawn at the same display size,
# so the coarser pixels of the strided outputs show). Every doubling of the stride halves the resolution
# along each axis. The dark frame, one output pixel wide, around each image is zero padding at work: at a border
# pixel the 3×3 average takes in padded zeros (black), 3 of its 9 taps along an edge and 5 in a
# corner, so border outputs come out at about 2/3 (edge) or 4/9 (corner) of their true brightness.*
#
# ## 4. Counting parameters
#
# A layer with $K$ filters of size $F\times F$ over $C$ input channels holds $F \cdot F \cdot C$
# weights per filter plus one bias: $F^2 C K$ weights and $K$ biases in all. The lecture's example:
# a 32×32×3 input and ten 5×5 filters (stride 1, pad 2) give each filter $5\cdot5\cdot3 + 1 = 76$
# parameters, so **760** in total. Stride and padding change the output size, never the
# parameter count, and neither does the input's height or width.
#
# ### Exercise 3: `conv2d_param_count(in_channels, out_channels, kernel_size, bias=True)`
#
# Return the number of learnable parameters of `nn.Conv2d(in_channels, out_channels, kernel_size,
# bias=bias)` as an `int`, computed by hand. `kernel_size` is an int (a square filter) or a
# `(height, width)` tuple, as in `nn.Conv2d`.

# %% solution="conv2d_param_count"
def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
    """Weights plus (optionally) biases of a convolution layer with square or (kh, kw) filters."""
    ### BEGIN SOLUTION
    kh, kw = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else tuple(kernel_size)
    weights = out_channels * in_channels * kh * kw
    return int(weights + (out_channels if bias else 0))
    ### END SOLUTION

# %% tests="test_conv2d_param_count" points=2
# The lecture's 760, the same layer without bias, and layers built by nn.Conv2d.
import numpy as np
import torch.nn as nn
from cs_utils.checks import numpy_only

with numpy_only("conv2d_param_count"):
    lecture = conv2d_param_count(3, 10, 5)
assert lecture == 760, (f"conv2d_param_count(3, 10, 5) returned {lecture!r}; ten 5x5x3 filters have "
                        "10 * (5*5*3 + 1) = 760 parameters")
with numpy_only("conv2d_param_count"):
    no_bias = conv2d_param_count(3, 10, 5, bias=False)
assert no_bias == 750, f"conv2d_param_count(3, 10, 5, bias=False) returned {no_bias!r}, expected 750"
for args in [(3, 96, 11), (64, 32, 1), (16, 8, (3, 5)), (6, 16, (5, 5))]:
    expected = sum(p.numel() for p in nn.Conv2d(*args).parameters())
    with numpy_only("conv2d_param_count"):
        got = conv2d_param_count(*args)
    assert got == expected, f"conv2d_param_count{args} returned {got!r}; nn.Conv2d{args} has {expected} parameters"
print("conv2d_param_count matches the lecture and nn.Conv2d.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(1234)
for trial in range(15):
    c_in, c_out, kh, kw = (int(v) for v in rng.integers(1, 9, size=4))
    use_bias = bool(trial % 2)
    kernel = kh if trial % 3 == 0 else (kh, kw)
    expected = sum(p.numel() for p in nn.Conv2d(c_in, c_out, kernel, bias=use_bias).parameters())
    with checks.numpy_only("conv2d_param_count"):
        got = conv2d_param_count(c_in, c_out, kernel, bias=use_bias)
    assert got == expected, (f"conv2d_param_count({c_in}, {c_out}, {kernel}, bias={use_bias}) returned {got!r}, "
                             f"nn.Conv2d has {expected}")
### END HIDDEN TESTS

# %% [markdown]
# ## 5. 1×1 convolutions make perfect sense
#
# A 1×1 filter sees a single pixel, but across the **full depth**: on a 56×56×64 input, each of
# 32 filters of size 1×1×64 computes a 64-dimensional dot product at every pixel, giving a
# 56×56×32 output. That is exactly a matrix multiply applied to every pixel: stack the 32 filters
# into a 32×64 matrix $W$ and compute $W x_{ij}$ for each pixel's 64-vector $x_{ij}$. It mixes
# channels without looking at neighbours, and changes the depth (here 64 → 32) cheaply:
# $64\cdot32 + 32 = 2080$ parameters.

# %% tags=["experiment"]
rng = np.random.default_rng(SEED)
x = rng.standard_normal((1, 64, 56, 56))
w = rng.standard_normal((32, 64, 1, 1))
b = rng.standard_normal(32)
ours = conv2d(x, w, b)
as_matmul = (w.reshape(32, 64) @ x.reshape(64, 56 * 56) + b[:, None]).reshape(1, 32, 56, 56)
print(f"1x1 conv: {x.shape} -> {ours.shape}, {conv2d_param_count(64, 32, 1)} parameters")
print("equal to a per-pixel matrix multiply:", np.allclose(ours, as_matmul))
print("equal to torch:",
      np.allclose(ours, F.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b)).numpy()))

# %% [markdown]
# ## 6. Dilation
#
# A dilated filter samples the input with gaps. It is the same as an ordinary convolution with a
# larger filter in which zeros are inserted between the taps: a 3×3 filter with dilation 2 is a
# 5×5 filter with non-zero weights only on every other row and column. The next cell builds that
# zero-filled filter, runs your `conv2d` with it, and compares with PyTorch's `dilation=2`.

# %% tags=["experiment"]
rng = np.random.default_rng(SEED)
x = rng.standard_normal((1, 2, 11, 11))
w = rng.standard_normal((3, 2, 3, 3))
for d in [1, 2, 3]:
    size = d * (3 - 1) + 1
    spread = np.zeros((3, 2, size, size))
    spread[:, :, ::d, ::d] = w
    theirs = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), dilation=d, padding=d).numpy()
    ours = conv2d(x, spread, padding=d)
    print(f"dilation {d}: effective filter {size}x{size}, output {ours.shape[2:]} "
          f"(conv_output_size: {conv_output_size(11, 3, padding=d, dilation=d)}), "
          f"same as torch: {np.allclose(ours, theirs)}")

fig, axes = plt.subplots(1, 3, figsize=(9, 3.4))
for ax, d in zip(axes, [1, 2, 3]):
    grid = np.zeros((7, 7))
    grid[3 - d:4 + d:d, 3 - d:4 + d:d] = 1
    ax.imshow(grid, cmap="Blues", vmin=0, vmax=1.3)
    ax.set_xticks(np.arange(-0.5, 7, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, 7, 1), minor=True)
    ax.grid(which="minor", color="0.7")
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    ax.set_title(f"3x3, dilation {d}\ncovers {2 * d + 1}x{2 * d + 1}", fontsize=10)
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 3. The nine taps of a 3×3 filter at dilation 1, 2 and 3. The weights stay 9; the area
# they cover grows to 3×3, 5×5 and 7×7. With padding equal to the dilation, the output keeps the
# input's size, as "same" padding $D(F-1)/2$ predicts.*
#
# ### Try it: stride, padding and dilation together
#
# The next cell draws, for one input size and one filter, which positions of the padded input a
# single output reads, and gives the output size (from your `conv_output_size`, and PyTorch's
# floored size when the filter does not fit). In JupyterLab, sliders let you change the input
# size $n$, the filter size, the stride, the padding, the dilation and which output to look at;
# the picture redraws as you let go of a slider. Try to predict each picture before you draw it.

# %% tags=["experiment"]
from cs_utils.animation import draw_conv_footprint, footprint_grid


def footprint_title(n, kernel_size, stride=1, padding=0, dilation=1):
    """The output size per side from your conv_output_size, and PyTorch's floored size (for the drawing)."""
    floored = (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
    try:
        size = conv_output_size(n, kernel_size, stride, padding, dilation)
        return f"output {size}x{size}", floored
    except ValueError:
        return "doesn't fit" + (f" (PyTorch: {floored}x{floored})" if floored > 0 else ""), floored


def show_footprint(n=7, kernel_size=3, stride=1, padding=0, dilation=1, row=0, col=0):
    text, floored = footprint_title(n, kernel_size, stride, padding, dilation)
    row, col = min(row, max(floored - 1, 0)), min(col, max(floored - 1, 0))
    neighbour = col + 1 < floored
    fig, ax = plt.subplots(figsize=(4.6, 4.8))
    draw_conv_footprint(ax, n, kernel_size, stride, padding, dilation, out_index=(row, col),
                        neighbour=neighbour, out_size=max(floored, 1),
                        title=f"n={n}, F={kernel_size}, S={stride}, P={padding}, D={dilation}: {text}\n"
                              f"blue: what output ({row}, {col}) reads"
                              + (f"; orange: output ({row}, {col + 1})" if neighbour else ""))
    plt.show()


try:
    import ipywidgets as widgets
except ImportError:  # no widgets (a plain Python or exported HTML): Figure 4 below shows the same
    widgets = None
if widgets is not None:
    slider = dict(continuous_update=False)
    widgets.interact(show_footprint, n=widgets.IntSlider(7, 3, 12, description="input n", **slider),
                     kernel_size=widgets.IntSlider(3, 1, 5, description="filter F", **slider),
                     stride=widgets.IntSlider(1, 1, 4, description="stride S", **slider),
                     padding=widgets.IntSlider(0, 0, 3, description="padding P", **slider),
                     dilation=widgets.IntSlider(1, 1, 3, description="dilation D", **slider),
                     row=widgets.IntSlider(0, 0, 11, description="output row", **slider),
                     col=widgets.IntSlider(0, 0, 11, description="output col", **slider))

# %% [markdown]
# Without a live notebook (an exported HTML page, say) the sliders do not show, so here are six
# settings for the lecture's 7×7 input and 3×3 filter, drawn the same way:

# %% tags=["experiment"]
settings = [dict(), dict(stride=2), dict(stride=3), dict(padding=1), dict(dilation=2),
            dict(stride=2, padding=1, dilation=2)]
titles, sizes = [], []
for setting in settings:
    text, floored = footprint_title(7, 3, **setting)
    label = ", ".join(f"{k[0].upper()}={v}" for k, v in setting.items()) or "S=1, P=0, D=1"
    titles.append(f"{label}\n{text}")
    sizes.append(max(floored, 1))
fig = footprint_grid([dict(setting, out_size=size) for setting, size in zip(settings, sizes)], titles,
                     n=7, kernel_size=3)
plt.show()

# %% [markdown]
# *Figure 4. A 7×7 input (white cells; grey hatched cells are zero padding) and a 3×3 filter under
# six settings. Blue squares: the nine positions that output (0, 0) reads; orange dots: those that
# its right-hand neighbour, output (0, 1), reads, so the gap between blue and orange is the stride.
# Stride 2 and 3 move the filter two and three columns; at stride 3 the filter doesn't fit, and the
# red-tinted last row and column are never read by any output (PyTorch's 2×2 output skips them).
# Padding 1 lets the first output sit on the zero border, and dilation 2 spreads the nine taps over a
# 5×5 area with gaps in between, which the neighbouring outputs (orange) fill at stride 1.*
#
# ## 7. Receptive fields
#
# The **receptive field** of an output unit is the patch of the *input* image it depends on. One
# 3×3 convolution sees 3×3. Stack a second 3×3 on top: each of its outputs sees a 3×3 patch of
# the first layer's outputs, which together cover 5×5 input pixels. A third layer sees **7×7**:
# three 3×3 layers have the same receptive field as one 7×7 layer.
#
# Going one layer up adds $D(F-1)$ more units of the layer below, and one unit of the layer below
# is as far apart as the product of all strides so far (the "jump" $J$). So, starting from
# $r = 1$ and $J = 1$ at the input, each layer $(F, S, D)$ does
#
# $$r \leftarrow r + D(F - 1)\,J, \qquad J \leftarrow J \cdot S .$$
#
# A hand-worked example: a 3×3 conv (stride 1), a 2×2 pool with stride 2, then another 3×3 conv.
# $r = 1 + 2\cdot1 = 3$, $J = 1$; then $r = 3 + 1\cdot1 = 4$, $J = 2$; then $r = 4 + 2\cdot2 = 8$.
# Each final output sees an 8×8 input patch. For AlexNet's start (11×11 stride 4, a 3×3 pool
# with stride 2, then 5×5): $11$, then $11 + 2\cdot4 = 19$, then $19 + 4\cdot8 = 51$.
#
# ### Exercise 4: `receptive_field(layers)`
#
# `layers` is a list of `(kernel_size, stride)` or `(kernel_size, stride, dilation)` tuples, first
# layer first (pooling layers count too: a 2×2 pool with stride 2 is `(2, 2)`). Return the side of
# the square input patch that one output of the last layer depends on, as an `int`. The patch is
# measured from its first to its last pixel, counting gaps that stride or dilation leave inside.
# An empty list means no layers: a pixel sees only itself, 1.

# %% solution="receptive_field"
def receptive_field(layers):
    """Receptive field (in input pixels, per side) of one output of a stack of conv/pool layers."""
    ### BEGIN SOLUTION
    size, jump = 1, 1
    for layer in layers:
        kernel, step = layer[0], layer[1]
        dilation = layer[2] if len(layer) > 2 else 1
        size += dilation * (kernel - 1) * jump
        jump *= step
    return int(size)
    ### END SOLUTION

# %% tests="test_receptive_field" points=2
# The lecture's three 3x3 convs, and the hand-worked examples from the text.
from cs_utils.checks import numpy_only

cases = [
    ([(3, 1)], 3),
    ([(3, 1), (3, 1)], 5),
    ([(3, 1), (3, 1), (3, 1)], 7),       # the lecture: three 3x3 layers see 7x7
    ([], 1),                             # no layers: a pixel sees itself
    ([(3, 1, 2)], 5),                    # a dilated 3x3 covers 5x5
    ([(3, 1), (2, 2), (3, 1)], 8),       # conv, 2x2 pool stride 2, conv
    ([(11, 4), (3, 2), (5, 1)], 51),     # AlexNet's first three layers
    ([(5, 1), (2, 2), (5, 1), (2, 2)], 16),  # LeNet-5: conv, pool, conv, pool
]
for layers, expected in cases:
    with numpy_only("receptive_field"):
        got = receptive_field(layers)
    assert got == expected, (f"receptive_field({layers}) returned {got!r}, expected {expected}. Each layer adds "
                             "dilation * (kernel_size - 1) * jump, where jump is the product of the earlier strides")
# A dilated 3x3 (r = 5) followed by a 3x3: the dilated layer's outputs are still one pixel apart, so the
# next layer adds 2 * 1 (r = 7); after a 2x2 pool with stride 2 as well, the last 3x3 adds 2 * 2 (r = 10).
for layers, expected, jump_times_dilation in [([(3, 1, 2), (3, 1)], 7, 9), ([(3, 1, 2), (2, 2), (3, 1)], 10, 15)]:
    with numpy_only("receptive_field"):
        got = receptive_field(layers)
    hint = (" That is what multiplying the jump by the dilation gives: dilation widens a layer's kernel (it adds "
            "dilation * (kernel_size - 1) * jump) but leaves its outputs as far apart as before, so the jump "
            "changes by the stride alone" if got == jump_times_dilation else "")
    assert got == expected, (f"receptive_field({layers}) (a dilated layer, then more) returned {got!r}, "
                             f"expected {expected}.{hint}")
print("receptive_field matches the worked examples.")
### BEGIN HIDDEN TESTS
import importlib

import numpy as np
import torch
from torch.nn import functional as F

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)


def measured_receptive_field(layers, n=400):
    """Span of input pixels with a non-zero gradient for one output, through all-ones 1-D filters."""
    x = torch.zeros(1, 1, n, 1, dtype=torch.float64, requires_grad=True)
    h = x
    for layer in layers:
        k, s = layer[0], layer[1]
        d = layer[2] if len(layer) > 2 else 1
        h = F.conv2d(h, torch.ones(1, 1, k, 1, dtype=torch.float64), stride=(s, 1), dilation=(d, 1))
    h[0, 0, h.shape[2] // 2, 0].backward()
    seen = np.nonzero(x.grad[0, 0, :, 0].numpy())[0]
    return int(seen[-1] - seen[0] + 1)


rng = np.random.default_rng(31337)
for trial in range(15):
    layers = []
    for _ in range(int(rng.integers(1, 5))):
        k, s = int(rng.integers(1, 6)), int(rng.integers(1, 4))
        layers.append((k, s, int(rng.integers(1, 3))) if rng.random() < 0.4 else (k, s))
    expected = measured_receptive_field(layers)
    with checks.numpy_only("receptive_field"):
        answer = receptive_field(layers)
    assert answer == expected, f"receptive_field({layers}) returned {answer!r}, measured {expected}"
### END HIDDEN TESTS

# %% [markdown]
# We can *measure* a receptive field instead of computing it: make every filter weight 1, pick
# one output in the middle of the last layer, and ask autograd which input pixels its gradient
# reaches. Those pixels are exactly the ones it depends on.

# %% tags=["experiment"]
def gradient_footprint(n_layers, size=15):
    x = torch.zeros(1, 1, size, size, requires_grad=True)
    h = x
    for _ in range(n_layers):
        h = F.conv2d(h, torch.ones(1, 1, 3, 3), padding=1)
    h[0, 0, size // 2, size // 2].backward()
    return x.grad[0, 0].numpy()


footprints = np.stack([gradient_footprint(n) for n in [1, 2, 3]])
for n, fp in zip([1, 2, 3], footprints):
    rows = np.nonzero(fp.any(axis=1))[0]
    print(f"{n} stacked 3x3 conv(s): measured {rows[-1] - rows[0] + 1}x{rows[-1] - rows[0] + 1}, "
          f"receptive_field says {receptive_field([(3, 1)] * n)}")
fig, axes = plt.subplots(1, 3, figsize=(9.5, 3))
for n, fp, ax in zip([1, 2, 3], footprints, axes):
    image = ax.imshow(np.ma.masked_equal(fp, 0), cmap="viridis", vmin=0)   # count 0 (masked) stays white
    rows, cols = np.nonzero(fp.any(axis=1))[0], np.nonzero(fp.any(axis=0))[0]
    side = rows[-1] - rows[0] + 1
    ax.add_patch(plt.Rectangle((cols[0] - 0.5, rows[0] - 0.5), side, side, fill=False, color="C3", lw=1.5))
    ax.set_title(f"{n} x (3x3 conv): {side}x{side}", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="paths")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 5. Which input pixels (of a 15×15 image) one central output depends on, after one, two
# and three 3×3 convolutions: 3×3, 5×5 and 7×7 (outlined in red; white pixels do not reach the
# output at all). The colour is the number of paths from that pixel to the output (colour bar on
# the right of each panel), so the centre counts more than the rim, but even the corners of the
# 7×7 square, with one path each, are part of the receptive field.*
#
# Three 3×3 layers see as much as one 7×7 layer but are cheaper and deeper. With $C$ channels in
# and out, the stack has $3 \cdot (3\cdot3\cdot C \cdot C) = 27C^2$ weights against $49C^2$ for
# the 7×7 layer, and it puts two more non-linearities in between. VGG (notebook 09) is built on
# this observation.

# %% tags=["experiment"]
for C in [16, 64, 256]:
    stack = 3 * conv2d_param_count(C, C, 3, bias=False)
    single = conv2d_param_count(C, C, 7, bias=False)
    torch_stack = sum(p.numel() for _ in range(3) for p in nn.Conv2d(C, C, 3, bias=False).parameters())
    print(f"C={C:>3}: three 3x3 layers {stack:>9,} weights (27C^2 = {27 * C * C:>9,}, torch {torch_stack:>9,}); "
          f"one 7x7 layer {single:>9,} (49C^2)")

# %% [markdown]
# ## 8. Every argument of `nn.Conv2d`
#
# `nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
# bias=True)`, in the lecture's terms:
#
# | argument | lecture | effect |
# |---|---|---|
# | `in_channels` | input depth $C$ | every filter is $F \times F \times C$ |
# | `out_channels` | number of filters $K$ | output depth; weight is `(K, C/groups, F, F)` |
# | `kernel_size` | filter size $F$ (int or `(kh, kw)`) | output size via $(N - F + 2P)/S + 1$ |
# | `stride` | $S$ | output size; downsampling |
# | `padding` | $P$ (int, tuple, `'same'` or `'valid'`) | zeros on every side; adds $2P$ |
# | `dilation` | $D$ | effective filter size $D(F-1)+1$, same weights |
# | `groups` | split the channels into groups | each filter sees `C/groups` channels; weights ÷ groups |
# | `bias` | one bias per filter | adds $K$ parameters |
#
# `groups=2` is two convolutions side by side, each seeing half the input channels and producing
# half the outputs, concatenated. `groups=in_channels` gives each input channel its own filters
# ("depthwise" convolution, used by MobileNet). The next cell builds layers with each argument,
# and checks the weight shape, the parameter count and the output shape against your functions.

# %% tags=["experiment"]
x = torch.zeros(2, 8, 20, 20)
configs = [
    dict(in_channels=8, out_channels=16, kernel_size=3),
    dict(in_channels=8, out_channels=16, kernel_size=3, padding=1),
    dict(in_channels=8, out_channels=16, kernel_size=4, stride=2, padding=1),
    dict(in_channels=8, out_channels=16, kernel_size=7, stride=3, padding=1),
    dict(in_channels=8, out_channels=16, kernel_size=(3, 5), padding=(1, 2)),
    dict(in_channels=8, out_channels=16, kernel_size=3, dilation=2, padding=2),
    dict(in_channels=8, out_channels=16, kernel_size=3, groups=4),
    dict(in_channels=8, out_channels=8, kernel_size=3, groups=8, bias=False),
    dict(in_channels=8, out_channels=4, kernel_size=1),
]
for cfg in configs:
    layer = nn.Conv2d(**cfg)
    out_shape = tuple(layer(x).shape)
    kh, kw = layer.kernel_size
    (ph, pw), (s, _), (d, _), g = layer.padding, layer.stride, layer.dilation, layer.groups
    predicted = (2, cfg["out_channels"], conv_output_size(20, kh, s, ph, d), conv_output_size(20, kw, s, pw, d))
    params = sum(p.numel() for p in layer.parameters())
    by_hand = conv2d_param_count(cfg["in_channels"] // g, cfg["out_channels"], (kh, kw), bias=layer.bias is not None)
    args = ", ".join(f"{k}={v}" for k, v in cfg.items() if k not in ("in_channels", "out_channels"))
    print(f"Conv2d(8, {cfg['out_channels']:>2}, {args:<35}) weight {str(tuple(layer.weight.shape)):<15} "
          f"out {out_shape} {'ok' if out_shape == predicted else 'MISMATCH'}; params {params:>5} "
          f"{'ok' if params == by_hand else 'MISMATCH'}")

# %% [markdown]
# Groups in one identity: with `groups=2`, PyTorch's layer equals two of *your* `conv2d` calls,
# each on half of the input channels with half of the filters, concatenated along the channels.

# %% tags=["experiment"]
layer = nn.Conv2d(4, 6, 3, padding=1, groups=2).double()
x = np.random.default_rng(SEED).standard_normal((1, 4, 7, 7))
w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()   # w: (6, 2, 3, 3)
halves = [conv2d(x[:, 2 * g:2 * g + 2], w[3 * g:3 * g + 3], b[3 * g:3 * g + 3], padding=1) for g in range(2)]
ours = np.concatenate(halves, axis=1)
theirs = layer(torch.from_numpy(x)).detach().numpy()
print(f"groups=2: ours {ours.shape}, torch {theirs.shape}, largest difference {np.abs(ours - theirs).max():.1e}")

# %% [markdown]
# ## Questions
#
# Three short questions, graded automatically. Answer each by setting the variable in the cell
# below it to a number (a plain Python number, or an expression that computes it). The test cell
# only checks that your answer is a number; whether it is right is checked when you submit.
#
# **Question 1.** AlexNet's first layer applies 96 filters of size 11×11 with stride 4 and no
# padding to a 227×227×3 image. What is the height (= width) of its output? Set
# `answer_output_size`.

# %% solution="answer_output_size"
### BEGIN SOLUTION
answer_output_size = (227 - 11) // 4 + 1
### END SOLUTION

# %% tests="test_answer_output_size" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_output_size" in globals(), "set answer_output_size in the cell above to a number"
value = checks.number_answer(answer_output_size, "answer_output_size")
### BEGIN HIDDEN TESTS
assert value == (227 - 11) / 4 + 1, (
    f"answer_output_size = {value:g} is not the output size of an 11x11 filter at stride 4 on 227x227")
### END HIDDEN TESTS

# %% [markdown]
# **Question 2.** The lecture's layer: ten 5×5 filters with stride 1 and padding 2 on a 32×32×3
# image. How many multiplications does its forward pass make for one image? Count one
# multiplication per filter weight per output position, and none for the biases. Set
# `answer_multiplies`.

# %% solution="answer_multiplies"
### BEGIN SOLUTION
answer_multiplies = 32 * 32 * 10 * (5 * 5 * 3)
### END SOLUTION

# %% tests="test_answer_multiplies" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_multiplies" in globals(), "set answer_multiplies in the cell above to a number"
value = checks.number_answer(answer_multiplies, "answer_multiplies")
### BEGIN HIDDEN TESTS
assert value == 32 * 32 * 10 * 75, (
    f"answer_multiplies = {value:g} is not the number of multiplications (outputs times weights per output)")
### END HIDDEN TESTS

# %% [markdown]
# **Question 3.** You stack 3×3 convolutions with stride 1 (no pooling, no dilation). What is
# the smallest number of such layers whose outputs each see at least a 15×15 patch of the input?
# Set `answer_layers_for_15`.

# %% solution="answer_layers_for_15"
### BEGIN SOLUTION
answer_layers_for_15 = 7
### END SOLUTION

# %% tests="test_answer_layers_for_15" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_layers_for_15" in globals(), "set answer_layers_for_15 in the cell above to a number"
value = checks.number_answer(answer_layers_for_15, "answer_layers_for_15")
### BEGIN HIDDEN TESTS
assert value == 7, (
    f"answer_layers_for_15 = {value:g} is not the smallest number of stacked 3x3 layers that see 15x15")
### END HIDDEN TESTS

# %% [markdown]
# ## Summary
#
# * Output size along each axis: $(N - F + 2P)/S + 1$, with $F$ replaced by $D(F-1)+1$ under
#   dilation. The lecture calls a non-integer result "doesn't fit"; PyTorch floors it and ignores
#   what is left over.
# * Zero padding $P = (F-1)/2$ at stride 1 keeps the spatial size ("same" padding); stride $S$
#   divides it by about $S$.
# * A layer has $F^2 C K$ weights and $K$ biases: 760 for ten 5×5 filters on 3 channels,
#   whatever the input's height, width, stride or padding.
# * The lecture's common settings: $K$ a power of 2 (32, 64, 128, 512 filters), and $F=3, S=1,
#   P=1$; $F=5, S=1, P=2$; $F=5, S=2$ with whatever padding fits; $F=1, S=1, P=0$. The first two
#   and the last keep the spatial size; check each with your `conv_output_size`.
# * A 1×1 convolution is a per-pixel matrix multiply across channels.
# * Receptive fields grow by $D(F-1)J$ per layer; three 3×3 layers see 7×7 with $27C^2$ weights
#   instead of $49C^2$.
#
# **Next:** notebook 03 adds pooling layers, their backward pass, and the fully connected layer,
# and assembles a complete (forward-only) ConvNet.
