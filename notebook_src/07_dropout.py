# %% [markdown]
# # 07 · Dropout
#
# **Week 7: Convolutional Neural Networks, notebook 7 of 12.**
#
# The second training technique of the lecture is dropout: during training, set a random fraction
# $p$ of the hidden units to zero. It is one line of code, a strong regularizer, and it sits in the
# fully connected layers of AlexNet ("dropout 0.5") and VGG. In this notebook you write it in
# NumPy, see why plain dropout is a poor fit for convolutional feature maps, and watch it hold back
# a network that overfits a small training set.
#
# **Learning goals**
# 1. State what the dropout hyperparameter $p$ means (the probability to **drop**, as in the
#    lecture and PyTorch) and why survivors are scaled by $1/(1-p)$ (inverted dropout).
# 2. Implement `dropout(x, p, training, rng)` and `dropout_backward(dout, mask, p)`, and check
#    that the expectation is preserved and test mode is the identity.
# 3. Explain why neighbouring activations of a ConvNet are correlated, and why channel-wise
#    dropout (`nn.Dropout2d`) suits feature maps better than element-wise dropout.
# 4. Read train and validation curves of a network with and without dropout, for an MLP and for a
#    small ConvNet with channel-wise dropout.
#
# **How this notebook works.** Run the cells in order. Write your code where it says
# `YOUR CODE HERE` and delete the `raise NotImplementedError()` line. The test cell after an
# exercise checks your answer at once and says what is wrong. When you submit, hidden tests run
# more random trials, so make your functions correct in general. Test cells call your functions
# with PyTorch switched off: the exercises are NumPy exercises.

# %%
# Setup: imports, seeding, and which mode and data this run uses.
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from tqdm.auto import tqdm

from cs_utils.data import describe_dataset, load_mnist_subset
from cs_utils.plotting import show_activation_maps
from cs_utils.runtime import describe_run, is_quick, reset_seed

# These networks are small: on a CPU one thread is faster than several that wait for each other.
torch.set_num_threads(1)
SEED = 0
reset_seed(SEED)
describe_run("MNIST subset (5,000 digits, 28x28), small random arrays", SEED)
print(describe_dataset("mnist5k"))

# %% [markdown]
# ## 1. Dropout
#
# The lecture's definition: **$p$ is a hyperparameter; set $p$ (e.g. 10%) of the hidden nodes to
# zero.** Every training step draws a new random subset to drop, so each step trains a different
# "thinned" network, and no unit can rely on a particular other unit being there. Units cannot
# co-adapt; each must be useful on its own. That makes dropout a form of **regularization**:
# it makes the network harder to fit to the training set and usually better on new data. One way
# to see it: training samples from $2^n$ thinned networks that share weights, and the test-time
# network approximates their average (Srivastava et al., 2014).
#
# The picture below redraws the lecture's figure: a standard network, and the same network after
# applying dropout to its hidden units.

# %% tags=["experiment"]
def draw_network(ax, sizes, dropped, title):
    """Units as circles, layer by layer; dropped units are crossed out with their connections removed."""
    positions = [[(i, j - (n - 1) / 2) for j in range(n)] for i, n in enumerate(sizes)]
    for layer in range(len(sizes) - 1):
        for a, (xa, ya) in enumerate(positions[layer]):
            for b, (xb, yb) in enumerate(positions[layer + 1]):
                if not dropped[layer][a] and not dropped[layer + 1][b]:
                    ax.plot([xa, xb], [ya, yb], color="gray", linewidth=0.6, zorder=1)
    for layer, units in enumerate(positions):
        for j, (xu, yu) in enumerate(units):
            gone = dropped[layer][j]
            ax.scatter(xu, yu, s=260, zorder=2, facecolor="white" if gone else "tab:blue", edgecolor="black")
            if gone:
                ax.plot([xu - 0.12, xu + 0.12], [yu - 0.25, yu + 0.25], color="red", zorder=3)
                ax.plot([xu - 0.12, xu + 0.12], [yu + 0.25, yu - 0.25], color="red", zorder=3)
    ax.set_title(title)
    ax.axis("off")


sizes = [4, 6, 6, 2]
picture_rng = np.random.default_rng(3)
keep_all = [np.zeros(n, dtype=bool) for n in sizes]
thinned = [np.zeros(4, dtype=bool)] + [picture_rng.random(6) < 0.5 for _ in range(2)] + [np.zeros(2, dtype=bool)]
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
draw_network(axes[0], sizes, keep_all, "(a) standard neural net")
draw_network(axes[1], sizes, thinned, "(b) after applying dropout (p = 0.5)")
plt.show()

# %% [markdown]
# *Figure 1. Left, a network with two hidden layers; right, one thinned network sampled by dropout
# with $p = 0.5$ on the hidden units: crossed-out units output zero, so their connections do
# nothing in this step. The next step samples another thinned network.*
#
# ### Training and test time: inverted dropout
#
# At test time we want the whole network and a deterministic output, so nothing is dropped. But
# then each unit's input would be larger than during training, when only a fraction $1-p$ of the
# units below it were active. **Inverted dropout**, what PyTorch and everyone else implement,
# fixes this during training: the surviving activations are divided by $1-p$, so that
#
# $$\mathrm{E}[\text{out}] = (1-p) \cdot \frac{x}{1-p} + p \cdot 0 = x ,$$
#
# and test time is simply the identity. (The original paper scales the weights by the keep
# probability at test time instead; the result is the same, but inverted dropout leaves the test
# code untouched.)
#
# **Which $p$?** In the lecture, in `torch.nn.Dropout(p)` and in Keras's `rate`, $p$ is the
# probability to **drop** a unit. The 2014 paper and TensorFlow 1's `keep_prob` use the
# probability to *keep* one. Mixing the two up turns "drop 10%" into "drop 90%".
#
# A worked example: $x = (1, 2, 3, 4)$, $p = 0.5$ and the random draw keeps units 1 and 3. Then
# the mask is `[True, False, True, False]` and the output is $(2, 0, 6, 0)$: survivors doubled,
# the rest zero.
#
# ### Exercise 1: `dropout(x, p, training, rng)` and `dropout_backward(dout, mask, p)`
#
# * `x`: activations of any shape; `p`: the probability to drop, with $0 \le p < 1$;
#   `training`: a bool; `rng`: a NumPy `Generator` such as `np.random.default_rng(0)`.
# * Training mode: draw the mask with **one call** `mask = rng.random(x.shape) >= p`, a boolean
#   array that is `True` where the activation is kept (each uniform number in [0, 1) is at least
#   $p$ with probability $1-p$). Return `(x * mask / (1 - p), mask)`. Drawing the mask exactly this
#   way makes the result reproducible: the same seed gives the same mask.
# * Test mode (`training=False`): return `(x, None)` and leave `rng` alone.
# * `dropout_backward(dout, mask, p)` returns `dx`, the gradient with respect to `x` of the
#   training-mode forward pass that produced `mask`.
#
# Do not modify `x`, and in `dropout_backward` do not modify `dout` or `mask`: the caller still
# needs them, so return `dx` as a new array. The tests check the documented draw in one small
# test; the others accept any correct random mask.

# %% solution="dropout"
def dropout(x, p, training, rng):
    """Inverted dropout, forward pass.

    x: array of any shape. p: probability to DROP each activation (0 <= p < 1).
    training: in training mode the mask is drawn as ``mask = rng.random(x.shape) >= p``
    (boolean, True = kept) and the output is ``x * mask / (1 - p)``; in test mode the output
    is x and the mask is None. rng: a numpy.random.Generator.
    Returns (out, mask).
    """
    ### BEGIN SOLUTION
    if not training:
        return x, None
    keep = rng.random(x.shape) >= p
    return np.where(keep, x / (1.0 - p), 0.0), keep
    ### END SOLUTION

# %% solution="dropout_backward"
def dropout_backward(dout, mask, p):
    """Backward pass of training-mode inverted dropout.

    dout: upstream gradient, same shape as the mask. mask: the boolean mask dropout returned.
    p: the drop probability used in the forward pass. Returns dx.
    """
    ### BEGIN SOLUTION
    return np.where(mask, dout / (1.0 - p), 0.0)
    ### END SOLUTION

# %% tests="test_dropout_eval" points=1
# Test mode is the identity, whatever p.
import numpy as np
from cs_utils.checks import assert_close, numpy_only

rng = np.random.default_rng(1)
for shape, p in [((4, 5), 0.5), ((2, 3, 4, 4), 0.9), ((10,), 0.1)]:
    x = rng.standard_normal(shape)
    x_before = x.copy()
    with numpy_only("dropout"):
        out, _ = dropout(x, p, False, np.random.default_rng(0))
    assert_close(out, x_before, f"dropout(x, p={p}, training=False) with x {shape}: test mode must return x "
                 "unchanged (no dropping, no scaling)")
    assert_close(x, x_before, "x after dropout: the input must not be modified")
with numpy_only("dropout"):
    given = np.random.default_rng(7)
    _, mask = dropout(np.ones((3, 4)), 0.5, False, given)
if mask is not None:
    raise AssertionError(f"dropout(x, p, training=False) returned a mask of type {type(mask).__name__}: in test "
                         "mode it must return (x, None)")
if given.random() != np.random.default_rng(7).random():
    raise AssertionError("dropout(x, p, training=False) drew numbers from rng: test mode must leave the generator "
                         "alone (check training before drawing a mask)")
print("Test mode returns the input unchanged and leaves rng alone.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)  # undo any monkey-patching of the checks by student code
rng = np.random.default_rng(71001)
for trial in range(8):
    shape = tuple(int(s) for s in rng.integers(1, 6, size=rng.integers(1, 5)))
    x, p = rng.standard_normal(shape), float(rng.uniform(0, 0.95))
    given = np.random.default_rng(trial)
    with checks.numpy_only("dropout"):
        out, mask = dropout(x.copy(), p, False, given)
    checks.assert_close(out, x, f"dropout in test mode, x {shape}, p {p:.3f}")
    if mask is not None or given.random() != np.random.default_rng(trial).random():
        raise AssertionError(f"dropout in test mode, x {shape}: must return (x, None) and leave rng alone")
### END HIDDEN TESTS

# %% tests="test_dropout_fraction" points=2
# The fraction of dropped activations is p (the DROP probability), and out is zero exactly there.
import numpy as np
from cs_utils.checks import assert_close, assert_shape, numpy_only

rng = np.random.default_rng(2)
x = rng.uniform(1.0, 2.0, size=(200, 500))  # no zeros in x, so out == 0 exactly where a unit was dropped
x_before = x.copy()
for p in (0.1, 0.3, 0.8):
    with numpy_only("dropout"):
        out, mask = dropout(x, p, True, np.random.default_rng(int(p * 100)))
    assert_close(x, x_before, "x after dropout: the input must not be modified (return a new array)")
    assert_shape(out, x.shape, f"dropout's out for x (200, 500), p={p}")
    assert_shape(mask, x.shape, f"dropout's mask for x (200, 500), p={p}")
    mask = np.asarray(mask)
    if not np.all((mask == 0) | (mask == 1)):
        raise AssertionError("the mask should be boolean (True = kept), or 0/1; it holds other values")
    kept = mask != 0
    if not np.array_equal(np.asarray(out) != 0, kept):
        raise AssertionError(f"p={p}: out should be zero exactly where the mask drops a unit, and nonzero "
                             "(a scaled copy of x) where it keeps one")
    if np.all(kept == kept[:1]):
        raise AssertionError(f"p={p}: all 200 examples dropped the same units (the rows of the mask are equal): "
                             "draw one decision per element, rng.random(x.shape), not one mask shared by the batch")
    dropped = 1.0 - kept.mean()
    if abs(dropped - (1 - p)) < 0.01:
        raise AssertionError(f"with p={p} dropout dropped {dropped:.3f} of the units: p was used as the KEEP "
                             "probability. p is the probability to DROP a unit")
    if abs(dropped - p) > 0.01:
        raise AssertionError(f"with p={p} dropout dropped {dropped:.3f} of 100,000 units; expected about {p}. "
                             "Is the mask drawn from uniform numbers (rng.random), not normal ones?")
    for part, block in enumerate(np.array_split(kept.ravel(), 4)):  # random units everywhere, not a fixed block
        if abs((1.0 - block.mean()) - p) > 0.02:
            raise AssertionError(f"with p={p} dropout dropped {1.0 - block.mean():.3f} of the units in quarter "
                                 f"{part} of the array: each unit must be dropped independently at random")
with numpy_only("dropout"):
    out, _ = dropout(x, 0.0, True, np.random.default_rng(3))
assert_close(out, x, "dropout with p=0 in training mode (nothing dropped, nothing scaled)")
# Section 2's Dropout2d is a different layer: on feature maps this exercise still drops single elements.
feature_maps = rng.uniform(1.0, 2.0, size=(50, 8, 6, 6))
with numpy_only("dropout"):
    out, _ = dropout(feature_maps, 0.5, True, np.random.default_rng(4))
kept = np.asarray(out) != 0
if kept.shape == feature_maps.shape and np.all(kept == kept[:, :, :1, :1]):
    raise AssertionError("x (50, 8, 6, 6), p=0.5: every (example, channel) map was kept or dropped as a whole, "
                         "which is channel-wise dropout (nn.Dropout2d). dropout is element-wise for inputs of any "
                         "shape: draw one decision per element, rng.random(x.shape)")
print("dropout drops a fraction p of the activations.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(71002)
for trial in range(8):
    shape = (int(rng.integers(100, 300)), int(rng.integers(2, 6)), int(rng.integers(20, 60)))
    p = float(rng.uniform(0.05, 0.95))
    x = rng.uniform(0.5, 3.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    x_before = x.copy()
    with checks.numpy_only("dropout"):
        out, mask = dropout(x, p, True, np.random.default_rng(trial))
    checks.assert_shape(out, shape, f"dropout's out, x {shape}")
    kept = np.asarray(mask).astype(bool)
    checks.assert_shape(kept, shape, f"dropout's mask, x {shape}")
    if np.any((np.asarray(out) != 0) != kept):
        raise AssertionError(f"x {shape}, p {p:.3f}: out is not zero exactly where the mask drops")
    for block in [kept.ravel()] + np.array_split(kept.ravel(), 5):
        n, dropped = block.size, 1.0 - block.mean()
        tolerance = 5 * np.sqrt(p * (1 - p) / n)
        if abs(dropped - p) > tolerance:
            raise AssertionError(f"x {shape}, p {p:.3f}: dropped fraction {dropped:.4f} of {n} units, expected "
                                 f"{p:.4f} +- {tolerance:.4f}")
    checks.assert_close(x, x_before, "x after dropout: the input must not be modified")
### END HIDDEN TESTS

# %% tests="test_dropout_scaling" points=2
# Inverted dropout: survivors are scaled by 1 / (1 - p), so the expectation of every unit is kept.
import numpy as np
from cs_utils.checks import assert_close, numpy_only

rng = np.random.default_rng(4)
x = rng.uniform(1.0, 2.0, size=(100, 1000))
x_before = x.copy()
for p in (0.2, 0.5, 0.75):
    with numpy_only("dropout"):
        out, mask = dropout(x, p, True, np.random.default_rng(int(p * 100) + 1))
    assert_close(x, x_before, "x after dropout: the input must not be modified (return a new array)")
    out, kept = np.asarray(out), np.asarray(mask) != 0
    if np.all(kept == kept[:1]):
        raise AssertionError(f"p={p}: all 100 examples dropped the same units (the rows of the mask are equal): "
                             "draw one decision per element, rng.random(x.shape), not one mask shared by the batch")
    if p != 0.5 and np.allclose(out[kept], x[kept]):
        raise AssertionError(f"p={p}: the surviving activations are not scaled. Inverted dropout divides them "
                             "by (1 - p), so that the expected output equals x")
    assert_close(out[kept], x[kept] / (1 - p), f"surviving activations for p={p} (x / (1 - p))")
    assert_close(out[~kept], np.zeros((~kept).sum()), f"dropped activations for p={p}")
    # Expectation preserved: on an all-ones input the mean output is 1, up to sampling noise.
    with numpy_only("dropout"):
        out_ones, _ = dropout(np.ones((100, 1000)), p, True, np.random.default_rng(int(p * 100) + 2))
    mean, tolerance = float(np.mean(out_ones)), 5 * np.sqrt(p / (1 - p) / 100_000)
    if abs(mean - 1.0) > tolerance:
        raise AssertionError(f"p={p}: the mean of dropout(ones) is {mean:.4f}, expected 1 +- {tolerance:.4f}: "
                             "dropout must preserve the expectation of every activation")
    # Training and test mode agree on average: the mean of many training outputs is the test output.
    units = rng.uniform(1.0, 2.0, size=8)
    with numpy_only("dropout"):
        many, _ = dropout(np.tile(units, (20_000, 1)), p, True, np.random.default_rng(int(p * 100) + 3))
        test_out, _ = dropout(units.copy(), p, False, np.random.default_rng(0))
    gap, tolerance = np.abs(np.mean(many, axis=0) - test_out).max(), 6 * 2 * np.sqrt(p / (1 - p) / 20_000)
    if not gap <= tolerance:
        raise AssertionError(f"p={p}: the mean of 20,000 training-mode outputs differs from the test-mode output by "
                             f"{gap:.4f} (tolerance {tolerance:.4f}). Inverted dropout scales only in training; "
                             "test mode returns x itself (no mask, no extra factor (1 - p))")
print("dropout scales the survivors by 1 / (1 - p) and preserves the expectation.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(71003)
for trial in range(8):
    shape = (int(rng.integers(200, 400)), int(rng.integers(100, 300)))
    p = float(rng.uniform(0.05, 0.9))
    x = rng.standard_normal(shape) + 3.0
    with checks.numpy_only("dropout"):
        out, mask = dropout(x, p, True, np.random.default_rng(100 + trial))
    out = np.asarray(out)
    kept = np.asarray(mask).astype(bool)
    checks.assert_close(out[kept], x[kept] / (1 - p), f"survivors, x {shape}, p {p:.3f}")
    checks.assert_close(out[~kept], np.zeros((~kept).sum()), f"dropped units, x {shape}, p {p:.3f}")
    tolerance = 5 * np.sqrt(p / (1 - p) / out.size) * np.abs(x).max()
    if abs(out.mean() - x.mean()) > tolerance:
        raise AssertionError(f"x {shape}, p {p:.3f}: mean output {out.mean():.4f}, mean input {x.mean():.4f}")
### END HIDDEN TESTS

# %% tests="test_dropout_seeded" points=1
# The documented draw, mask = rng.random(x.shape) >= p, makes dropout reproducible.
import numpy as np
from cs_utils.checks import assert_close, numpy_only

x = np.arange(1.0, 13.0).reshape(3, 4)
with numpy_only("dropout"):
    out, mask = dropout(x, 0.4, True, np.random.default_rng(2024))
assert_close(x, np.arange(1.0, 13.0).reshape(3, 4), "x after dropout: the input must not be modified "
             "(return a new array)")
expected_mask = np.random.default_rng(2024).random((3, 4)) >= 0.4
assert_close(np.asarray(mask) != 0, expected_mask, "mask of dropout(x (3, 4), p=0.4, rng=default_rng(2024)): "
             "draw it with one call, rng.random(x.shape) >= p, from the generator you are given")
assert_close(out, x * expected_mask / 0.6, "out of dropout(x (3, 4), p=0.4, rng=default_rng(2024))")

# The generator moves on: two calls with the same generator give different masks.
rng = np.random.default_rng(5)
with numpy_only("dropout"):
    _, first = dropout(np.ones((10, 10)), 0.5, True, rng)
    _, second = dropout(np.ones((10, 10)), 0.5, True, rng)
if np.array_equal(np.asarray(first) != 0, np.asarray(second) != 0):
    raise AssertionError("two calls with the same generator returned the same mask: use the rng argument "
                         "(do not create a new generator with a fixed seed inside dropout)")
print("dropout draws its mask reproducibly from rng.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(71004)
for trial in range(6):
    shape = tuple(int(s) for s in rng.integers(1, 7, size=rng.integers(1, 5)))
    p, seed = float(rng.uniform(0, 0.9)), int(rng.integers(0, 10**6))
    x = rng.normal(size=shape)
    with checks.numpy_only("dropout"):
        out, mask = dropout(x, p, True, np.random.default_rng(seed))
    expected_mask = np.random.default_rng(seed).random(shape) >= p
    kept = np.asarray(mask) != 0
    if (len(shape) >= 3 and np.prod(shape[2:]) > 1 and kept.shape == shape and not np.array_equal(kept, expected_mask)
            and np.all(kept.reshape(shape[:2] + (-1,)) == kept.reshape(shape[:2] + (-1,))[..., :1])):
        raise AssertionError(f"mask, x {shape}, p {p:.3f}: one decision per (example, channel), the same at every "
                             "position of the map, is channel-wise dropout (nn.Dropout2d). dropout is element-wise: "
                             "mask = rng.random(x.shape) >= p")
    checks.assert_close(kept, expected_mask, f"mask, x {shape}, p {p:.3f}, seed {seed}")
    checks.assert_close(out, x * expected_mask / (1 - p), f"out, x {shape}, p {p:.3f}, seed {seed}")
### END HIDDEN TESTS

# %% tests="test_dropout_backward" points=2
# The gradient flows only through the kept units, scaled like the forward pass.
import numpy as np
from cs_utils.checks import assert_close_naming_mistakes, inputs_left_unchanged, numpy_only
from cs_utils.gradcheck import numeric_gradient

rng = np.random.default_rng(6)
x, dout = rng.standard_normal((4, 6)), rng.standard_normal((4, 6))
mask = rng.random((4, 6)) >= 0.3
expected = numeric_gradient(lambda a: np.where(mask, a, 0.0) / 0.7, x.copy(), dout.copy())
unscaled = expected * 0.7  # the same gradient without the forward pass's 1 / (1 - p)
without_mask = dout / 0.7  # taken before the call, which could write into dout
with numpy_only("dropout_backward"), inputs_left_unchanged("dropout_backward", dout=dout, mask=mask):
    dx = dropout_backward(dout, mask, 0.3)
assert_close_naming_mistakes(dx, expected, "dropout_backward(dout (4, 6), mask, p=0.3) vs numeric gradient of "
                             "x * mask / (1 - p)",
                             {"dx = dout * mask misses the 1 / (1 - p): the forward pass divides the kept "
                              "activations by 1 - p, so their gradient is dout / (1 - p) too": unscaled,
                              "dx divides by p, the drop probability; the forward pass divided the kept "
                              "activations by 1 - p, the keep probability, and so does their gradient":
                              unscaled / 0.3,
                              "dx = dout / (1 - p) forgets the mask: a dropped unit did not reach the output, so "
                              "its gradient is 0: dx = dout * mask / (1 - p)": without_mask},
                             rtol=1e-6, atol=1e-8)
print("dropout_backward passes the gradient through the kept units, scaled by 1 / (1 - p).")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks
import cs_utils.gradcheck

checks = importlib.reload(cs_utils.checks)
gradcheck = importlib.reload(cs_utils.gradcheck)
rng = np.random.default_rng(71005)
for trial in range(8):
    shape = tuple(int(s) for s in rng.integers(1, 5, size=rng.integers(1, 5)))
    p = float(rng.uniform(0, 0.9))
    x, dout, mask = rng.standard_normal(shape), rng.standard_normal(shape), rng.random(shape) >= p
    expected = gradcheck.numeric_gradient(lambda a: np.where(mask, a, 0.0) / (1 - p), x.copy(), dout.copy())
    with checks.numpy_only("dropout_backward"), checks.inputs_left_unchanged("dropout_backward", dout=dout, mask=mask):
        dx = dropout_backward(dout, mask, p)
    checks.assert_close(dx, expected, f"dropout_backward, shape {shape}, p {p:.3f}", rtol=1e-6, atol=1e-8)
### END HIDDEN TESTS

# %% [markdown]
# Your function and PyTorch's `F.dropout` follow the same convention. They use different random
# generators, so their masks differ, but the statistics agree:

# %% tags=["experiment"]
x = np.ones((200, 500))
ours, _ = dropout(x, 0.3, True, np.random.default_rng(SEED))
theirs = F.dropout(torch.ones(200, 500), p=0.3, training=True).numpy()
for name, out in [("your dropout", ours), ("F.dropout", theirs)]:
    print(f"{name:13s} p=0.3: dropped {np.mean(out == 0):.3f}, survivors = {out[out != 0].min():.4f}, "
          f"mean output {out.mean():.3f}")
print(f"1 / (1 - 0.3) = {1 / 0.7:.4f}")

# %% [markdown]
# ## 2. Dropout in ConvNets
#
# The lecture's slides on dropout in a ConvNet show where it would act: on the activation maps
# that a convolution layer stacks into a new "image". Element-wise dropout there zeros single
# positions of single maps. That removes much less information than it seems, because
# **neighbouring activations are strongly correlated**: neighbouring pixels of an image are
# similar, and neighbouring outputs of a convolution see overlapping patches (a 5×5 filter at
# positions $j$ and $j+1$ shares 20 of its 25 inputs). A dropped activation can be guessed from
# the ones around it, so the next layer, whose 3×3 or 5×5 filters see those neighbours, hardly
# notices. Let us measure this on the activation maps of a convolution layer applied to MNIST
# digits.

# %% tags=["experiment"]
mnist_x, mnist_y = load_mnist_subset()                     # (5000, 1, 28, 28) float32 in [0, 1]
digits = torch.from_numpy(mnist_x[:200])
torch.manual_seed(SEED)
conv = nn.Conv2d(1, 8, kernel_size=5, padding=2)
with torch.no_grad():
    maps = F.relu(conv(digits)).numpy()                     # (200, 8, 28, 28) activation maps

distances = np.arange(1, 11)
correlation = [np.corrcoef(maps[..., :-d].ravel(), maps[..., d:].ravel())[0, 1] for d in distances]
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(distances, correlation, marker="o")
ax.set_xlabel("horizontal distance between two activations (pixels)")
ax.set_ylabel("correlation")
ax.set_ylim(0, 1)
ax.grid(alpha=0.3)
plt.show()
print(f"correlation of horizontally neighbouring activations: {correlation[0]:.2f}")

# %% [markdown]
# *Figure 2. Correlation between two activations of the same map, as a function of their distance,
# over 200 digits and 8 random 5×5 filters (after ReLU). Direct neighbours are highly correlated.
# Within a few pixels the correlation drops to a floor well above zero and falls no further. That
# floor does not come from neighbourhood (each map responds to the blank background with its own
# constant value, and the correlation pools all eight maps); the drop down to it shows how far the
# local correlation reaches.*
#
# `nn.Dropout2d` (channel-wise or "spatial" dropout, Tompson et al., 2015) drops **whole activation
# maps** instead: for an input `(N, C, H, W)` it draws one keep/drop decision per example and
# channel, and scales the kept maps by $1/(1-p)$. Its mask has shape `(N, C, 1, 1)` and is
# broadcast over H and W, so your `dropout` can do the same by drawing a mask for a
# `(N, C, 1, 1)` array. Below, the same activation maps under both kinds of dropout, and how well a
# dropped activation can be recovered by averaging its surviving 3×3 neighbours.

# %% tags=["experiment"]
p = 0.5
one_image = maps[:1]                                       # (1, 8, 28, 28)
element_wise, element_mask = dropout(one_image, p, True, np.random.default_rng(SEED))
_, channel_mask = dropout(np.ones((1, 8, 1, 1)), p, True, np.random.default_rng(SEED + 1))
channel_wise = one_image * channel_mask / (1 - p)           # one decision per channel, broadcast over H, W
top = float(max(element_wise.max(), channel_wise.max()))    # one colour scale for all three rows


def on_shared_scale(fig):
    """Give every panel the colour scale [0, top] (show_activation_maps scales each panel on its own)."""
    for ax in fig.axes:
        for image in ax.images:
            image.set_clim(0, top)
    return fig


fig = on_shared_scale(show_activation_maps(one_image[0], [f"map {c}" for c in range(8)], ncols=8, size=1.4,
                                           suptitle="activation maps of one digit"))
plt.show()
fig = on_shared_scale(show_activation_maps(element_wise[0], ncols=8, size=1.4,
                                           suptitle="element-wise dropout, p = 0.5"))
plt.show()
fig = on_shared_scale(show_activation_maps(channel_wise[0], [f"map {c}" + ("" if channel_mask[0, c, 0, 0]
                                                                            else " (dropped)") for c in range(8)],
                                           ncols=8, size=1.4, suptitle="channel-wise dropout (Dropout2d), p = 0.5"))
plt.show()


def recover_from_neighbours(dropped_maps, kept):
    """Estimate each dropped activation as the mean of the kept ones in its 3x3 neighbourhood."""
    box = torch.ones(1, 1, 3, 3, dtype=torch.float64)

    def flat(a):
        return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float64)).reshape(-1, 1, *a.shape[-2:])

    total = F.conv2d(flat(dropped_maps * (1 - p)), box, padding=1)   # undo the 1/(1-p) scaling first
    count = F.conv2d(flat(kept.astype(np.float64)), box, padding=1)
    return (total / count.clamp(min=1)).reshape(dropped_maps.shape).numpy()


element_kept = np.broadcast_to(element_mask, maps[:1].shape)
channel_kept = np.broadcast_to(channel_mask, maps[:1].shape)
for name, out, kept in [("element-wise", element_wise, element_kept), ("channel-wise", channel_wise, channel_kept)]:
    estimate = recover_from_neighbours(out, kept)
    lost = ~kept
    error = np.linalg.norm((estimate - one_image)[lost]) / np.linalg.norm(one_image[lost])
    print(f"{name}: relative error of dropped activations recovered from their neighbours: {error:.2f}")

# %% [markdown]
# *Figure 3. Top, the eight activation maps of one digit. Middle, element-wise dropout: every map
# keeps its shape, with holes. Bottom, channel-wise dropout: some maps are gone entirely, the others
# are kept whole. All panels share one colour scale (0 is dark, yellow is the largest value in the
# two dropout rows), so the kept activations, scaled by 1/(1 − p) = 2, look brighter than in the
# top row.*
#
# With element-wise dropout most of a dropped activation can be recovered from its neighbours
# (error well below 1); with channel-wise dropout nothing of a dropped map is left to recover from
# (error 1). Channel-wise dropout therefore really forces the next layer not to rely on any single
# feature map, which is what dropout is for. In practice ConvNets use `nn.Dropout2d` on feature
# maps, or, like AlexNet and VGG, plain dropout only in the fully connected layers, where the units
# are not spatially correlated. Later ConvNets use little or no dropout: GoogLeNet (2014) keeps
# one dropout layer, before its classifier, and ResNet uses batch normalization after every
# convolution and no dropout at all.
#
# ## 3. Dropout as a regularizer
#
# A network with many more parameters than training examples can memorize its training set. We
# train a fully connected network (784 → 256 → 256 → 10, about 270,000 weights) on only 1,000
# MNIST digits, once without dropout and once with dropout (p = 0.2 on the input pixels and
# p = 0.5 after each hidden layer, the settings of Srivastava et al.), and follow the loss on the
# training set and on 2,000 held-out validation digits. Both losses are measured in `eval()` mode,
# so dropout is off while we measure.

# %% tags=["experiment"]
N_TRAIN, N_VAL = 1000, 2000
EPOCHS = 25 if is_quick() else 40
SEEDS = [0, 1] if is_quick() else [0, 1, 2]

order = np.random.default_rng(SEED).permutation(len(mnist_x))
train_idx, val_idx = order[:N_TRAIN], order[N_TRAIN:N_TRAIN + N_VAL]
pixel_mean, pixel_std = mnist_x[train_idx].mean(), mnist_x[train_idx].std()  # training statistics only
x_tr = torch.from_numpy((mnist_x[train_idx] - pixel_mean) / pixel_std).flatten(1)
x_va = torch.from_numpy((mnist_x[val_idx] - pixel_mean) / pixel_std).flatten(1)
y_tr, y_va = torch.from_numpy(mnist_y[train_idx]), torch.from_numpy(mnist_y[val_idx])


def make_mlp(p_input, p_hidden, width=256):
    return nn.Sequential(nn.Dropout(p_input), nn.Linear(784, width), nn.ReLU(), nn.Dropout(p_hidden),
                         nn.Linear(width, width), nn.ReLU(), nn.Dropout(p_hidden), nn.Linear(width, 10))


def fit(p_input, p_hidden, seed, desc):
    torch.manual_seed(seed)
    model = make_mlp(p_input, p_hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(seed)
    history = {"train loss": [], "val loss": [], "train accuracy": [], "val accuracy": []}
    for epoch in tqdm(range(EPOCHS), desc=desc, leave=False):
        model.train()
        for batch in torch.randperm(N_TRAIN, generator=generator).split(50):
            loss = F.cross_entropy(model(x_tr[batch]), y_tr[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            for split, xs, ys in [("train", x_tr, y_tr), ("val", x_va, y_va)]:
                logits = model(xs)
                history[f"{split} loss"].append(F.cross_entropy(logits, ys).item())
                history[f"{split} accuracy"].append((logits.argmax(1) == ys).float().mean().item())
    return history


results = {}
for name, p_input, p_hidden in [("no dropout", 0.0, 0.0), ("dropout", 0.2, 0.5)]:
    runs = [fit(p_input, p_hidden, seed, f"{name}, seed {seed}") for seed in SEEDS]
    results[name] = {key: np.mean([run[key] for run in runs], axis=0) for key in runs[0]}
    final = results[name]
    print(f"{name:10s} after {EPOCHS} epochs (mean of {len(SEEDS)} seeds): train loss {final['train loss'][-1]:.4f}, "
          f"val loss {final['val loss'][-1]:.3f} (lowest {final['val loss'].min():.3f}), "
          f"val accuracy {final['val accuracy'][-1]:.3f}")

gain = 100 * (results["dropout"]["val accuracy"][-1] - results["no dropout"]["val accuracy"][-1])
loss_gain = results["no dropout"]["val loss"][-1] - results["dropout"]["val loss"][-1]
print(f"dropout's gain after {EPOCHS} epochs: final val accuracy {gain:+.1f} percentage points, "
      f"final val loss {loss_gain:+.3f} lower")

# One colour per model in both panels; solid lines are training data, dashed lines validation data.
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.5))
epochs_axis = np.arange(1, EPOCHS + 1)
for color, (name, result) in zip(["C0", "C1"], results.items()):
    ax_loss.plot(epochs_axis, result["train loss"], color=color, ls="-", label=f"{name}: train loss")
    ax_loss.plot(epochs_axis, result["val loss"], color=color, ls="--", label=f"{name}: val loss")
    ax_acc.plot(epochs_axis, result["val accuracy"], color=color, ls="--", label=f"{name}: val accuracy")
for ax, label in [(ax_loss, "loss"), (ax_acc, "accuracy")]:
    ax.set_xlabel("epoch")
    ax.set_ylabel(label)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
fig.suptitle(f"784-256-256-10 MLP on {N_TRAIN} MNIST digits (blue: no dropout, orange: dropout)")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 4. Left: training (solid) and validation (dashed) loss per epoch, averaged over seeds;
# right: validation accuracy. Each model keeps its colour in both panels: blue is the network
# without dropout, orange the one with dropout. Without dropout the training loss drops to almost
# zero and the validation loss turns around after a few epochs and climbs: the network memorizes
# the 1,000 training digits and grows over-confident on new ones. With dropout the training loss
# stays higher, the gap between the two losses is smaller, and the validation loss ends clearly
# lower.*
#
# The gain in validation accuracy is far smaller than the gain in validation loss: the printed gain
# is a fraction of a percentage point in quick mode (0.1 point when we ran it), within the
# run-to-run noise of two seeds. What dropout changed most is how confident the network is, which
# the loss measures and the accuracy does not.
# Dropout helps most when a large network trains for long on a moderately sized data set; on tiny
# data sets (a few hundred examples) the paper found no gain, since the network can memorize them
# even through the noise.

# %% [markdown]
# ### Dropout inside a ConvNet
#
# Now the same comparison for a small ConvNet, with dropout where section 2 says it belongs:
# channel-wise `nn.Dropout2d(0.1)` after each convolution block, and ordinary `nn.Dropout(0.5)`
# in the fully connected layer before the classifier. To keep it fast, the digits are shrunk to
# 14×14 and the network trains on the first 500 of the training digits above, for 15 epochs with
# Adam at learning rate 0.003, and is measured on the first 1,000 validation digits (again in
# `eval()` mode).

# %% tags=["experiment"]
def shrink(x_flat):
    """(N, 784) normalized digits -> (N, 1, 14, 14), averaging 2x2 blocks."""
    return F.avg_pool2d(x_flat.reshape(-1, 1, 28, 28), 2)


CNN_TRAIN, CNN_VAL, CNN_EPOCHS = 500, 1000, 15
x_tr_small, y_tr_small = shrink(x_tr[:CNN_TRAIN]), y_tr[:CNN_TRAIN]
x_va_small, y_va_small = shrink(x_va[:CNN_VAL]), y_va[:CNN_VAL]


def make_convnet(p_channel, p_hidden):
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout2d(p_channel),
                         nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.Dropout2d(p_channel),
                         nn.Flatten(), nn.Linear(16 * 7 * 7, 128), nn.ReLU(), nn.Dropout(p_hidden),
                         nn.Linear(128, 10))


def fit_convnet(p_channel, p_hidden, desc):
    torch.manual_seed(SEED)
    model = make_convnet(p_channel, p_hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    generator = torch.Generator().manual_seed(SEED)
    history = {"train loss": [], "val loss": [], "val accuracy": []}
    for epoch in tqdm(range(CNN_EPOCHS), desc=desc, leave=False):
        model.train()
        for batch in torch.randperm(CNN_TRAIN, generator=generator).split(50):
            loss = F.cross_entropy(model(x_tr_small[batch]), y_tr_small[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            history["train loss"].append(F.cross_entropy(model(x_tr_small), y_tr_small).item())
            logits = model(x_va_small)
            history["val loss"].append(F.cross_entropy(logits, y_va_small).item())
            history["val accuracy"].append((logits.argmax(1) == y_va_small).float().mean().item())
    return {key: np.array(values) for key, values in history.items()}


cnn_results = {"no dropout": fit_convnet(0.0, 0.0, "ConvNet, no dropout"),
               "dropout": fit_convnet(0.1, 0.5, "ConvNet, dropout")}
for name, result in cnn_results.items():
    print(f"ConvNet, {name:10s} after {CNN_EPOCHS} epochs: train loss {result['train loss'][-1]:.3f}, "
          f"val loss {result['val loss'][-1]:.3f} (lowest {result['val loss'].min():.3f}), "
          f"val accuracy {result['val accuracy'][-1]:.3f}")

fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.5))
epochs_axis = np.arange(1, CNN_EPOCHS + 1)
for color, (name, result) in zip(["C0", "C1"], cnn_results.items()):
    ax_loss.plot(epochs_axis, result["train loss"], color=color, ls="-", label=f"{name}: train loss")
    ax_loss.plot(epochs_axis, result["val loss"], color=color, ls="--", label=f"{name}: val loss")
    ax_acc.plot(epochs_axis, result["val accuracy"], color=color, ls="--", label=f"{name}: val accuracy")
for ax, label in [(ax_loss, "loss"), (ax_acc, "accuracy")]:
    ax.set_xlabel("epoch")
    ax.set_ylabel(label)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
fig.suptitle(f"small ConvNet on {CNN_TRAIN} MNIST digits (14x14); blue: no dropout, orange: Dropout2d + Dropout")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 5. The small ConvNet without (blue) and with (orange) dropout: training (solid) and
# validation (dashed) loss per epoch on the left, validation accuracy on the right, one seed.
# Without dropout the training loss falls close to zero while the validation loss stops improving
# and ends well above it. With dropout the training loss stays higher and the validation loss ends
# lower; the validation accuracies end close together (printed above).*

# %% [markdown]
# ## 4. Check your understanding
#
# Three short questions. Answer each by setting the variable in its cell: a number or a letter.
# The test cell after each answer checks only its format; whether it is right is checked when you
# submit.
#
# **Question 1.** A network uses inverted dropout with $p = 0.25$. After training, one unit's input
# to the dropout layer is $x = 3.0$. What does the dropout layer output for this unit **at test
# time** (`model.eval()`)? Set `answer_test_output` to a number.

# %% solution="answer_test_output"
# Replace the two lines below with: answer_test_output = <a number>
### BEGIN SOLUTION
answer_test_output = 3.0
### END SOLUTION

# %% tests="test_answer_test_output" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_test_output" in globals(), "set answer_test_output in the cell above to a number"
value = checks.number_answer(answer_test_output, "answer_test_output")
### BEGIN HIDDEN TESTS
assert 3.0 - 1e-6 < value < 3.0 + 1e-6, "answer_test_output is not the test-time output"
### END HIDDEN TESTS

# %% [markdown]
# **Question 2.** Where do AlexNet and VGG put their (element-wise) dropout layers?
#
# * (a) After every convolution, on the activation maps.
# * (b) In the fully connected layers at the end of the network.
# * (c) On the input image, before the first convolution.
# * (d) After the final softmax.
#
# Set `answer_dropout_place` to `"a"`, `"b"`, `"c"` or `"d"`.

# %% solution="answer_dropout_place"
# Replace the two lines below with: answer_dropout_place = <a letter in quotes>
### BEGIN SOLUTION
answer_dropout_place = "b"
### END SOLUTION

# %% tests="test_answer_dropout_place" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_dropout_place" in globals(), (
    'set answer_dropout_place in the cell above to a letter in quotes, such as "a"')
choice = checks.choice_answer(answer_dropout_place, "answer_dropout_place")
### BEGIN HIDDEN TESTS
assert choice == "b", "answer_dropout_place is not the right choice"
### END HIDDEN TESTS

# %% [markdown]
# **Question 3.** `nn.Dropout2d(p=0.5)` receives activation maps of shape $(8, 16, 28, 28)$ in
# training mode. How many independent keep/drop decisions does it draw? Set
# `answer_dropout2d_draws` to a number.

# %% solution="answer_dropout2d_draws"
# Replace the two lines below with: answer_dropout2d_draws = <a number>
### BEGIN SOLUTION
answer_dropout2d_draws = 128
### END SOLUTION

# %% tests="test_answer_dropout2d_draws" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_dropout2d_draws" in globals(), "set answer_dropout2d_draws in the cell above to a number"
value = checks.number_answer(answer_dropout2d_draws, "answer_dropout2d_draws")
### BEGIN HIDDEN TESTS
assert 8 * 16 - 1e-6 < value < 8 * 16 + 1e-6, "answer_dropout2d_draws is not the number of decisions"
### END HIDDEN TESTS

# %% [markdown]
# ## Summary
#
# * Dropout sets each unit to zero with probability $p$ (the **drop** probability, as in the
#   lecture and PyTorch) during training, a new random subset at every step.
# * Inverted dropout divides the survivors by $1-p$, so the expectation is unchanged and test mode
#   is the identity. The backward pass routes the gradient through the kept units with the same
#   scale.
# * Neighbouring activations of a ConvNet are strongly correlated, so element-wise dropout on
#   feature maps removes little; `nn.Dropout2d` drops whole channels instead.
# * On a small training set dropout narrowed the gap between training and validation loss, for
#   the MLP and for a small ConvNet with `Dropout2d` after its convolutions.
#
# **Next:** notebook 08 puts these pieces together in the classic architectures, LeNet-5 and
# AlexNet (which used dropout 0.5 in its fully connected layers).
