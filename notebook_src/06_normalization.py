# %% [markdown]
# # 06 · Normalization
#
# **Week 7: Convolutional Neural Networks, notebook 6 of 12.**
#
# The lecture's "Training Technique" part starts with normalization: of the input, and then of the
# activations inside the network. Batch normalization (BN) made deep networks much easier to train
# and sits after almost every convolution in VGG-BN, GoogLeNet v2 and ResNet. It is also, in the
# lecture's words, "a very common source of bugs", because it behaves differently during training
# and testing. In this notebook you write BN and its relatives in NumPy, check them against
# PyTorch, and watch what BN does to a deep network trained with a high learning rate.
#
# **Learning goals**
# 1. Normalize inputs to zero mean and unit variance per channel, with statistics of the training
#    set only, and see how a model breaks under a distribution shift.
# 2. Explain internal covariate shift, and how BN fixes the distribution of a layer's input.
# 3. Implement `batch_norm` (training and test mode, running statistics with PyTorch's momentum
#    convention, `(N, D)` and spatial `(N, C, H, W)` inputs), and derive its backward pass on the
#    computational graph.
# 4. Implement `layer_norm`, `instance_norm` and `group_norm`, say which axes each normalizes over,
#    and see why group norm wins when batches are tiny.
# 5. Fold a test-time BN into the preceding convolution (`fold_batchnorm`): zero overhead at test time.
# 6. Recognize the classic bug of forgetting `model.eval()`.
#
# **How this notebook works.** Run the cells in order. Write your code where it says
# `YOUR CODE HERE` and delete the `raise NotImplementedError()` line. The test cell after an
# exercise checks your answer at once and says what is wrong. When you submit, hidden tests also
# compare your functions with PyTorch on random shapes, so make them correct in general. Test
# cells call your functions with PyTorch switched off: the exercises are NumPy exercises.

# %%
# Setup: imports, seeding, and which mode and data this run uses.
import copy
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from tqdm.auto import tqdm

from cs_utils.checks import assert_close, call_torch
from cs_utils.data import describe_dataset, load_digits
from cs_utils.plotting import show_images
from cs_utils.runtime import describe_run, is_quick, reset_seed

# These networks are tiny: on a CPU one thread is faster than several that wait for each other.
torch.set_num_threads(1)
SEED = 0
reset_seed(SEED)
describe_run("scikit-learn digits (8x8), small random arrays", SEED)
print(describe_dataset("digits"))

# %% [markdown]
# ## 1. Normalizing the input
#
# The lecture's first advice: it is usually a good idea to normalize your input to zero mean and
# unit variance,
#
# $$\hat{x}^{(k)} = \frac{x^{(k)} - \mathrm{E}[x^{(k)}]}{\sqrt{\mathrm{Var}[x^{(k)}]}} ,$$
#
# where $k$ indexes a feature. For images the features are the **channels**: one mean and one
# standard deviation per channel, computed over all images and all pixel positions. (The
# `transforms.Normalize((0.1307,), (0.3081,))` that every MNIST tutorial uses holds exactly these
# two numbers for MNIST's single channel; ImageNet models use three of each.)
#
# The statistics come from the **training set only**, and the very same numbers are then applied
# to validation and test images. The test set stands in for future data that arrives one example
# at a time: a prediction for one image must not depend on which other images happen to be in the
# test set, and computing anything from the test set leaks it into the model.
#
# Below we split the digits once (this split is used throughout the notebook) and normalize.

# %%
digits_x, digits_y = load_digits()                   # (1797, 1, 8, 8) in [0, 1]
order = np.random.default_rng(SEED).permutation(len(digits_x))
train_idx, test_idx = order[:1200], order[1200:]
x_train_raw, y_train = digits_x[train_idx], digits_y[train_idx]
x_test_raw, y_test = digits_x[test_idx], digits_y[test_idx]

channel_mean = x_train_raw.mean(axis=(0, 2, 3), keepdims=True)   # (1, C, 1, 1): per channel
channel_std = x_train_raw.std(axis=(0, 2, 3), keepdims=True)


def normalize_input(images):
    """Apply the training set's per-channel statistics (never recomputed on other data)."""
    return (images - channel_mean) / channel_std


x_train, x_test = normalize_input(x_train_raw), normalize_input(x_test_raw)
print(f"training-set statistics: mean {channel_mean.ravel()}, std {channel_std.ravel()}")
print(f"normalized training set: mean {x_train.mean():+.4f}, std {x_train.std():.4f} (exactly 0 and 1)")
print(f"normalized test set:     mean {x_test.mean():+.4f}, std {x_test.std():.4f} (close, not exact: "
      "that is expected)")

# %% [markdown]
# The lecture adds a caveat: zero mean and unit variance describe a Gaussian well, and real data are
# not always Gaussian (digit pixels are mostly exactly 0). Normalization still helps, because it
# puts every input feature on the same scale, so one learning rate suits all the weights.
#
# ## 2. Distribution shift
#
# A model learns the distribution of its training data. If the test data are wildly different (the
# lecture's example: train on MNIST, test on CIFAR-10), nothing guarantees anything. Machine
# learning models are usually vulnerable to **distribution shift**, and it does not take CIFAR-10
# to see it: the same digits with a different brightness or contrast are enough. We train a small
# ConvNet on the digits and test it on shifted copies of the test digits.

# %%
def to_tensor(a):
    return torch.as_tensor(np.asarray(a), dtype=torch.float32)


def train_steps(model, x, y, lr, steps, seed, desc="training", batch_size=64, on_step=None):
    """Minibatch SGD with momentum 0.9 on tensors x, y; returns every step's training loss."""
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    model.train()
    losses = []
    for step in tqdm(range(steps), desc=desc, leave=False):
        batch = torch.randint(0, len(x), (batch_size,), generator=generator)
        loss = F.cross_entropy(model(x[batch]), y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if on_step is not None:
            on_step(step)
    return np.array(losses)


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


x_train_t, y_train_t = to_tensor(x_train), torch.as_tensor(y_train)
x_test_t, y_test_t = to_tensor(x_test), torch.as_tensor(y_test)
STEPS = 150 if is_quick() else 400
N_SEEDS = 3 if is_quick() else 5

# %% tags=["experiment"]
torch.manual_seed(SEED)
small_net = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 4 * 4, 10))
losses = train_steps(small_net, x_train_t, y_train_t, lr=0.05, steps=200, seed=SEED, desc="small ConvNet")
print(f"training loss: first 10 steps {losses[:10].mean():.2f}, last 10 steps {losses[-10:].mean():.3f}")

shifts = {
    "test digits": x_test_raw,
    "brighter (x + 0.3)": np.clip(x_test_raw + 0.3, 0, 1),
    "low contrast (0.3x + 0.5)": 0.3 * x_test_raw + 0.5,
    "inverted (1 - x)": 1 - x_test_raw,
}
shift_accuracy = {}
for name, images in shifts.items():
    # The shifted images go through the *training* normalization, as any new data would.
    shift_accuracy[name] = accuracy(small_net, to_tensor(normalize_input(images)), y_test_t)
    print(f"{name:28s} accuracy {shift_accuracy[name]:.3f}")

fig = show_images([images[0, 0] for images in shifts.values()], list(shifts), ncols=4, size=2.2)
for ax in fig.axes:
    ax.images[0].set_clim(0, 1)          # one colour scale for all panels, so the shift is visible
plt.show()

# %% [markdown]
# *Figure 1. One test digit and three shifted copies, on a common grey scale (black 0, white 1). A
# person reads all four alike; the ConvNet's accuracy (printed above) drops from about 99% to far
# less, and to almost nothing for the inverted digits.*
#
# ### Internal covariate shift
#
# The same problem appears *inside* a network. Layer $k-1$'s activation is layer $k$'s input. Every
# parameter update changes layer $k-1$, so it changes the distribution of layer $k$'s input, and
# layer $k$ must adapt to a new distribution after every update, while the layers before it keep
# moving too. The batch normalization paper calls this **internal covariate shift**. The next cell
# trains a plain 8-layer ConvNet and records, at every step, the mean and standard deviation of
# the input of its last convolution (three of its 16 channels).

# %%
def make_deep_net(batchnorm, depth=8, width=16, seed=0):
    """depth x (3x3 conv [-> BN] -> ReLU) on 8x8 digits, then a linear classifier. He initialization.

    With BN the convolutions have no bias: BN subtracts the mean, which would cancel it anyway.
    """
    torch.manual_seed(seed)
    layers, channels = [], 1
    for _ in range(depth):
        conv = nn.Conv2d(channels, width, 3, padding=1, bias=not batchnorm)
        nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
        if conv.bias is not None:
            nn.init.zeros_(conv.bias)
        layers += [conv, nn.BatchNorm2d(width)] if batchnorm else [conv]
        layers.append(nn.ReLU())
        channels = width
    layers += [nn.Flatten(), nn.Linear(width * 8 * 8, 10)]
    return nn.Sequential(*layers)


# %% tags=["experiment"]
plain = make_deep_net(batchnorm=False, seed=SEED)
last_conv = [m for m in plain if isinstance(m, nn.Conv2d)][-1]
records = []
hook = last_conv.register_forward_hook(
    lambda module, inputs, output: records.append(
        (inputs[0].mean(dim=(0, 2, 3))[:3].tolist(), inputs[0].std(dim=(0, 2, 3))[:3].tolist())))
ics_losses = train_steps(plain, x_train_t, y_train_t, lr=0.02, steps=STEPS, seed=SEED, desc="plain net, lr 0.02")
hook.remove()
means, stds = np.array([r[0] for r in records]), np.array([r[1] for r in records])

fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
for c in range(3):
    axes[0].plot(means[:, c], label=f"channel {c}")
    axes[1].plot(stds[:, c], label=f"channel {c}")
axes[0].set_title("mean of the last conv's input")
axes[1].set_title("std of the last conv's input")
for ax in axes:
    ax.set_xlabel("training step")
    ax.legend()
    ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()
print(f"training loss of this plain net at lr 0.02: {ics_losses[:10].mean():.2f} -> {ics_losses[-10:].mean():.3f}")

# %% [markdown]
# *Figure 2. Per-channel mean and standard deviation of the input of the plain network's last
# convolution, measured on each training batch. They drift by large factors while the network
# trains (at this small learning rate it does train), so the last layer keeps chasing a moving
# target.*
#
# The lecture's remedy: **fix the distribution of the internal layer's activation.** Normalize it,
# per feature, over the mini-batch. That is batch normalization. (Whether removing internal
# covariate shift is *why* BN works is still debated; Santurkar et al., 2018, argue that BN mainly
# makes the loss surface smoother. The recipe works either way.)
#
# ## 3. Batch normalization (Ioffe and Szegedy, 2015)
#
# For an input $x$ of shape $N \times D$ (a mini-batch of $N$ examples with $D$ features), BN
# computes per feature $j$:
#
# $$\mu_j = \frac{1}{N}\sum_{i=1}^{N} x_{i,j}, \qquad
#   \sigma_j^2 = \frac{1}{N}\sum_{i=1}^{N} (x_{i,j} - \mu_j)^2, \qquad
#   \hat{x}_{i,j} = \frac{x_{i,j} - \mu_j}{\sqrt{\sigma_j^2 + \varepsilon}}, \qquad
#   y_{i,j} = \gamma_j \hat{x}_{i,j} + \beta_j .$$
#
# The mean and variance have shape $D$; $\hat{x}$ and $y$ have shape $N \times D$. Zero mean and
# unit variance may be too hard a constraint, so BN learns a scale $\gamma$ and shift $\beta$ (shape
# $D$); learning $\gamma = \sigma$, $\beta = \mu$ recovers the identity.
#
# **Test time.** The estimates depend on the mini-batch, and at test time we cannot depend on the
# batch: a prediction must be the same whichever images surround it. So during training BN keeps
# **running averages** of the mean and variance, and at test time it uses them instead. PyTorch's
# convention, which your function must follow:
#
# $$\text{running\_mean} \leftarrow (1 - m)\,\text{running\_mean} + m\,\mu, \qquad
#   \text{running\_var} \leftarrow (1 - m)\,\text{running\_var} + m\,\frac{N}{N-1}\sigma^2 ,$$
#
# with momentum $m = 0.1$ by default. Two details trip people up. (1) The momentum weighs the *new*
# batch (Keras's `momentum=0.99` weighs the *old* average: the opposite convention). (2) The
# normalization uses the biased variance $\sigma^2$ (divide by $N$), but the running variance
# stores the **unbiased** estimate (divide by $N - 1$).
#
# **Spatial BN for ConvNets** (`BatchNorm2d`). For $x$ of shape $N \times C \times H \times W$ every
# channel is one feature: $\mu$ and $\sigma$ are computed over $N$, $H$ and $W$ (shape
# $1 \times C \times 1 \times 1$), and $\gamma$, $\beta$ have one value per channel. All
# $m = N \cdot H \cdot W$ values of a channel count as that channel's samples, also in the
# $m/(m-1)$ correction. A convolution treats every position alike, and BN keeps it that way.
#
# **A worked example.** With running mean $(0, 0)$, running variance $(1, 1)$, $\gamma = (1, 2)$,
# $\beta = (0, 1)$ and momentum 0.1,
#
# $$x = \begin{bmatrix}1&0\\2&0\\3&4\\6&4\end{bmatrix}: \quad \mu = (3, 2), \quad
#   \sigma^2 = (3.5, 4), \quad \text{unbiased } (4.667, 5.333).$$
#
# The second column normalizes to $\hat{x} = (-1, -1, 1, 1)$ (up to $\varepsilon$), so its output
# is $2\hat{x} + 1 = (-1, -1, 3, 3)$. The new running mean is $0.9 \cdot 0 + 0.1 \cdot \mu =
# (0.3, 0.2)$ and the new running variance $0.9 \cdot 1 + 0.1 \cdot (4.667, 5.333) = (1.3667,
# 1.4333)$. (With the biased variance it would be $(1.25, 1.3)$: wrong.)

# %% [markdown]
# ### Exercise 1: `batch_norm`
#
# `batch_norm(x, running_mean, running_var, gamma, beta, training=False, momentum=0.1, eps=1e-5)`
# takes its arguments in the order of `torch.nn.functional.batch_norm(input, running_mean,
# running_var, weight, bias, training, momentum, eps)` (`weight` and `bias` are $\gamma$ and
# $\beta$), with the same semantics. Mind the order: the running statistics come before `gamma`
# and `beta` (CS231n's assignment has them the other way round).
#
# * `x` is `(N, D)` or `(N, C, H, W)`; `running_mean`, `running_var`, `gamma`, `beta` have shape
#   `(D,)` or `(C,)`.
# * `training=True`: normalize with the batch statistics, and return the running statistics
#   updated as above.
# * `training=False` (the default): normalize with `running_mean` and `running_var`, and return
#   them unchanged.
#
# It returns `(out, running_mean, running_var)`. This is the one difference from PyTorch:
# `F.batch_norm` returns only `out` and updates the running statistics **in place** (they are
# tensors that the `BatchNorm` layer owns), while yours returns the updated statistics as new
# arrays, because your functions modify none of their inputs: the caller decides where the new
# statistics go. So do not modify `x`, `running_mean`, `running_var`, `gamma` or `beta`. The results
# have `x`'s dtype (float64 for the float64 arrays the tests use), and so must the arithmetic:
# converting to float32 inside loses precision that the tests see. One implementation can serve
# both input shapes: reduce over every axis except axis 1.

# %% solution="batch_norm"
def batch_norm(x, running_mean, running_var, gamma, beta, training=False, momentum=0.1, eps=1e-5):
    """Batch normalization, forward pass, as torch.nn.functional.batch_norm (same argument order).

    x: (N, D) or (N, C, H, W). running_mean, running_var, gamma (torch's weight), beta (bias): (D,) or (C,).
    training: use batch statistics and update the running ones (momentum weighs the new batch,
    the running variance is unbiased); otherwise use the running statistics.
    Returns (out, running_mean, running_var), new arrays (torch updates its running statistics in
    place instead): out has x's shape; all three have x's dtype. Modifies none of its inputs.
    """
    ### BEGIN SOLUTION
    axes = (0,) + tuple(range(2, x.ndim))          # every axis but the channel/feature axis
    shape = (1, -1) + (1,) * (x.ndim - 2)          # broadcast (C,) against x
    if training:
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)
        count = x.size // x.shape[1]
        new_mean = (1 - momentum) * running_mean + momentum * mean
        new_var = (1 - momentum) * running_var + momentum * var * count / (count - 1)
    else:
        mean, var = running_mean, running_var
        new_mean, new_var = np.array(running_mean, dtype=np.float64), np.array(running_var, dtype=np.float64)
    normalized = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return gamma.reshape(shape) * normalized + beta.reshape(shape), new_mean, new_var
    ### END SOLUTION

# %% tests="test_batch_norm_train" points=2
# Training mode on (N, D): the worked example, then torch's batch_norm.
import numpy as np
import torch.nn.functional as F
from cs_utils.checks import assert_close, call_torch, expect_default, inputs_left_unchanged, numpy_only

x = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 4.0], [6.0, 4.0]])
gamma, beta = np.array([1.0, 2.0]), np.array([0.0, 1.0])
running_mean, running_var = np.array([0.5, -1.0]), np.array([4.0, 0.25])   # training mode ignores them for out
# Unlike F.batch_norm, yours returns the updated running statistics: writing them in place is a mistake here.
with numpy_only("batch_norm"), inputs_left_unchanged("batch_norm", x=x, running_mean=running_mean,
                                                     running_var=running_var, gamma=gamma, beta=beta):
    out, _, _ = batch_norm(x, running_mean, running_var, gamma, beta, training=True)
with numpy_only("batch_norm"):   # on copies, so that an answer writing into its inputs is not blamed here
    expect_default(lambda: batch_norm(x.copy(), running_mean.copy(), running_var.copy(), gamma, beta, True)[0],
                   lambda: batch_norm(x.copy(), running_mean.copy(), running_var.copy(), gamma, beta, True,
                                      eps=1e-5)[0],
                   "batch_norm(x, running_mean, running_var, gamma, beta, True) with eps left to its default",
                   "the default eps is 1e-5, as in torch.nn.functional.batch_norm")
x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-5)
swapped = running_mean * x_hat + running_var                  # what CS231n's argument order would return
if np.shape(out) == x.shape and np.allclose(np.asarray(out, dtype=float), swapped):
    raise AssertionError("batch_norm used running_mean and running_var as gamma and beta. The arguments follow "
                         "torch.nn.functional.batch_norm: batch_norm(x, running_mean, running_var, gamma, beta, "
                         "training=False, momentum=0.1, eps=1e-5), not CS231n's (x, gamma, beta, ...)")
expected = np.stack([(x[:, 0] - 3.0) / np.sqrt(3.5 + 1e-5), 2 * (x[:, 1] - 2.0) / np.sqrt(4.0 + 1e-5) + 1], axis=1)
with_unbiased = np.stack([(x[:, 0] - 3.0) / np.sqrt(14 / 3 + 1e-5), 2 * (x[:, 1] - 2.0) / np.sqrt(16 / 3 + 1e-5) + 1],
                         axis=1)                                   # normalized with the unbiased variance
if np.shape(out) == x.shape and np.allclose(np.asarray(out, dtype=float), with_unbiased):
    raise AssertionError("batch_norm normalized with the unbiased variance (divide by N - 1). The normalization "
                         "uses the biased batch variance, mean((x - mean)**2); only the running variance is unbiased")
# With eps = 1e-5 the two placements of eps differ by under 1e-5, so only a tight comparison tells them apart.
eps_outside = np.stack([(x[:, 0] - 3.0) / (np.sqrt(3.5) + 1e-5), 2 * (x[:, 1] - 2.0) / (np.sqrt(4.0) + 1e-5) + 1],
                       axis=1)
if np.shape(out) == x.shape and np.allclose(np.asarray(out, dtype=float), eps_outside, rtol=1e-9, atol=1e-12):
    raise AssertionError("batch_norm divided by sqrt(var) + eps, with eps outside the square root. eps goes inside "
                         "it: (x - mean) / sqrt(var + eps)")
gap = np.abs(np.asarray(out, dtype=float) - expected).max() if np.shape(out) == x.shape else np.inf
if gap < 1e-6 * 3 and not np.allclose(np.asarray(out, dtype=float), expected, rtol=1e-7, atol=1e-9):
    raise AssertionError(f"batch_norm's output on the worked example is right only to float32 precision (error "
                         f"{gap:.1e}): compute in x's dtype; float64 input needs float64 arithmetic")
assert_close(out, expected, "batch_norm output on the worked 4x2 example (training mode, gamma (1, 2), beta (0, 1))")

rng = np.random.default_rng(1)
x = rng.standard_normal((16, 5)) * 3 + 2
gamma, beta = rng.standard_normal(5), rng.standard_normal(5)
with numpy_only("batch_norm"):
    out, _, _ = batch_norm(x, np.zeros(5), np.ones(5), np.ones(5), np.zeros(5), training=True)
assert_close(out.mean(axis=0), np.zeros(5), "per-feature mean of batch_norm(x) with gamma=1, beta=0", atol=1e-10)
assert_close(out.std(axis=0), np.ones(5), "per-feature std of batch_norm(x) with gamma=1, beta=0", rtol=1e-4)
with numpy_only("batch_norm"):
    out, _, _ = batch_norm(x, np.zeros(5), np.ones(5), gamma, beta, True)
assert_close(out, call_torch(F.batch_norm, x, None, None, gamma, beta, True), "batch_norm vs torch, x (16, 5)")
print("batch_norm normalizes each feature over the batch in training mode.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)  # undo any monkey-patching of the checks by student code
rng = np.random.default_rng(61001)
for trial in range(12):
    N, D = rng.integers(2, 9), rng.integers(1, 7)
    x = rng.standard_normal((N, D)) * rng.uniform(0.1, 5) + rng.uniform(-3, 3)
    gamma, beta = rng.standard_normal(D), rng.standard_normal(D)
    rm, rv = rng.standard_normal(D), rng.uniform(0.5, 2, D)
    eps = [1e-5, 1e-3, 0.1][trial % 3]
    inputs = {"x": x, "running_mean": rm, "running_var": rv, "gamma": gamma, "beta": beta}
    before = {name: a.copy() for name, a in inputs.items()}
    with checks.numpy_only("batch_norm"):
        out, _, _ = batch_norm(x, rm, rv, gamma, beta, True, 0.1, eps)
    checks.assert_close(out, checks.call_torch(F.batch_norm, x, None, None, gamma, beta, True, 0.1, eps),
                        f"batch_norm (training) with x {x.shape}, eps {eps}")
    for name, a in inputs.items():
        checks.assert_close(a, before[name], f"{name} after batch_norm: the input must not be modified "
                            "(return the updated running statistics as new arrays)")
### END HIDDEN TESTS

# %% tests="test_batch_norm_running" points=2
# Running statistics: the momentum convention and the unbiased running variance.
import numpy as np
import torch.nn.functional as F
from cs_utils.checks import (assert_close, assert_close_naming_mistakes, call_torch, expect_default,
                             inputs_left_unchanged, numpy_only)

x = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 4.0], [6.0, 4.0]])
gamma, beta = np.array([1.0, 2.0]), np.array([0.0, 1.0])
gamma_as_running_mean = 0.9 * gamma + 0.1 * x.mean(axis=0)     # what CS231n's argument order would return
old_mean, old_var = np.zeros(2), np.ones(2)
with numpy_only("batch_norm"), inputs_left_unchanged("batch_norm (return the updated running statistics as new "
                                                     "arrays; only F.batch_norm updates its own in place)",
                                                     running_mean=old_mean, running_var=old_var, x=x):
    _, running_mean, running_var = batch_norm(x, old_mean, old_var, gamma, beta, training=True)


def new_statistics(**momentum):
    """The running mean and variance after one step from (0, 1), as one array (on copies of the inputs)."""
    result = batch_norm(x.copy(), np.zeros(2), np.ones(2), gamma.copy(), beta.copy(), True, **momentum)
    return np.concatenate([np.ravel(result[1]), np.ravel(result[2])])


with numpy_only("batch_norm"):
    expect_default(new_statistics, lambda: new_statistics(momentum=0.1),
                   "batch_norm(x, running_mean, running_var, gamma, beta, True) with momentum left to its default",
                   "the default momentum is 0.1, as in torch.nn.functional.batch_norm (the weight of the new "
                   "batch; CS231n's default 0.9 is the weight of the old average in its convention)")
if np.shape(running_mean) == (2,) and np.allclose(np.asarray(running_mean, dtype=float), gamma_as_running_mean):
    raise AssertionError("running_mean is 0.9 * gamma + 0.1 * batch mean: batch_norm used gamma and beta as the "
                         "running statistics. The arguments follow torch.nn.functional.batch_norm: "
                         "batch_norm(x, running_mean, running_var, gamma, beta, training=False, momentum=0.1, "
                         "eps=1e-5), not CS231n's (x, gamma, beta, ...)")
if np.allclose(np.asarray(running_var, dtype=float), [1.25, 1.3]):
    raise AssertionError("running_var is (1.25, 1.3): it was updated with the biased batch variance. PyTorch's "
                         "running variance uses the unbiased one, sum((x - mean)**2) / (m - 1)")
if np.allclose(np.asarray(running_mean, dtype=float), [2.7, 1.8]):
    raise AssertionError("running_mean is (2.7, 1.8): the momentum weighs the old average. In PyTorch "
                         "running = (1 - momentum) * running + momentum * batch_statistic")
assert_close(running_mean, np.array([0.3, 0.2]), "running_mean after one step on the worked example")
# The unbiased correction m / (m - 1) with m = x.size = 8 instead of the N = 4 values per feature.
assert_close_naming_mistakes(running_var, np.array([0.9 + 0.1 * 14 / 3, 0.9 + 0.1 * 16 / 3]),
                             "running_var after one step on the worked example",
                             {"The unbiased correction m / (m - 1) counted all 8 elements of x; m is the number "
                              "of values per feature, N = 4 here (N * H * W for images)":
                              np.array([0.9 + 0.1 * 14 / 4 * 8 / 7, 0.9 + 0.1 * 16 / 4 * 8 / 7])})

# Three steps with momentum 0.3, compared with torch (which updates its running tensors in place).
rng = np.random.default_rng(2)
torch_mean, torch_var = np.zeros(3), np.ones(3)
ours_mean, ours_var = np.zeros(3), np.ones(3)
for step in range(3):
    x = rng.standard_normal((8, 3)) * 2 + 1
    call_torch(F.batch_norm, x, torch_mean, torch_var, None, None, True, 0.3)
    with numpy_only("batch_norm"):
        _, ours_mean, ours_var = batch_norm(x, ours_mean, ours_var, np.ones(3), np.zeros(3), True, momentum=0.3)
for ours, theirs in [(ours_mean, torch_mean), (ours_var, torch_var)]:
    gap = np.abs(np.asarray(ours, dtype=float) - theirs).max() if np.shape(ours) == (3,) else np.inf
    if gap < 1e-6 * 3 and not np.allclose(np.asarray(ours, dtype=float), theirs, rtol=1e-7, atol=1e-9):
        raise AssertionError(f"the running statistics after 3 steps are right only to float32 precision (error "
                             f"{gap:.1e}): compute in x's dtype; float64 input needs float64 arithmetic")
assert_close(ours_mean, torch_mean, "running_mean after 3 steps with momentum 0.3, vs torch")
assert_close(ours_var, torch_var, "running_var after 3 steps with momentum 0.3, vs torch")
print("The running statistics follow PyTorch's convention.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(61002)
for trial in range(10):
    N, D = rng.integers(2, 7), rng.integers(1, 6)
    spatial = () if trial % 3 else (int(rng.integers(1, 4)), int(rng.integers(2, 4)))   # (N, C, H, W): m = N*H*W
    momentum = rng.uniform(0.05, 0.9)
    torch_mean, torch_var = rng.standard_normal(D), rng.uniform(0.5, 2, D)
    mine_mean, mine_var = torch_mean.copy(), torch_var.copy()
    for step in range(rng.integers(1, 4)):
        x = rng.standard_normal((N, D) + spatial) * rng.uniform(0.5, 3) + rng.uniform(-2, 2)
        gamma, beta = rng.standard_normal(D), rng.standard_normal(D)
        checks.call_torch(F.batch_norm, x, torch_mean, torch_var, gamma, beta, True, momentum)
        with checks.numpy_only("batch_norm"):
            _, mine_mean, mine_var = batch_norm(x, np.array(mine_mean), np.array(mine_var), gamma, beta, True,
                                                momentum)
        checks.assert_close(mine_mean, torch_mean, f"running_mean, trial {trial} step {step}, x {x.shape}, "
                            f"momentum {momentum:.3f}")
        checks.assert_close(mine_var, torch_var, f"running_var, trial {trial} step {step}, x {x.shape}, "
                            f"momentum {momentum:.3f}")
### END HIDDEN TESTS

# %% tests="test_batch_norm_eval" points=2
# Test mode: the running statistics, not the batch's, and the running statistics come back unchanged.
import numpy as np
import torch.nn.functional as F
from cs_utils.checks import assert_close, call_torch, expect_default, inputs_left_unchanged, numpy_only

x = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 4.0], [6.0, 4.0]])
gamma, beta = np.array([1.0, 2.0]), np.array([0.0, 1.0])
running_mean, running_var = np.array([0.5, -1.0]), np.array([4.0, 0.25])
with numpy_only("batch_norm"), inputs_left_unchanged("batch_norm in test mode", x=x):
    out, new_mean, new_var = batch_norm(x, running_mean.copy(), running_var.copy(), gamma, beta, training=False)
with numpy_only("batch_norm"):
    expect_default(lambda: batch_norm(x.copy(), running_mean.copy(), running_var.copy(), gamma, beta)[0],
                   lambda: batch_norm(x.copy(), running_mean.copy(), running_var.copy(), gamma, beta, eps=1e-5)[0],
                   "batch_norm(x, running_mean, running_var, gamma, beta) in test mode with eps left to its default",
                   "the default eps is 1e-5, as in torch.nn.functional.batch_norm")
swapped = running_mean * (x - gamma) / np.sqrt(beta + 1e-5) + running_var   # CS231n's argument order
if np.shape(out) == x.shape and np.allclose(np.asarray(out, dtype=float), swapped):
    raise AssertionError("batch_norm used running_mean and running_var as gamma and beta (and gamma and beta as "
                         "the running statistics). The arguments follow torch.nn.functional.batch_norm: "
                         "batch_norm(x, running_mean, running_var, gamma, beta, training=False, momentum=0.1, "
                         "eps=1e-5), not CS231n's (x, gamma, beta, ...)")
batch_stats = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-5) * gamma + beta
if np.allclose(np.asarray(out, dtype=float), batch_stats):
    raise AssertionError("in test mode (training=False) batch_norm normalized with the batch's own statistics; "
                         "it must use running_mean and running_var")
eps_outside = gamma * (x - running_mean) / (np.sqrt(running_var) + 1e-5) + beta   # tight: eps moves out by ~1e-5
if np.shape(out) == x.shape and np.allclose(np.asarray(out, dtype=float), eps_outside, rtol=1e-9, atol=1e-12):
    raise AssertionError("in test mode batch_norm divided by sqrt(running_var) + eps, with eps outside the square "
                         "root. eps goes inside it: (x - running_mean) / sqrt(running_var + eps)")
expected = gamma * (x - running_mean) / np.sqrt(running_var + 1e-5) + beta
gap = np.abs(np.asarray(out, dtype=float) - expected).max() if np.shape(out) == x.shape else np.inf
if gap < 1e-6 * 3 and not np.allclose(np.asarray(out, dtype=float), expected, rtol=1e-7, atol=1e-9):
    raise AssertionError(f"batch_norm's output in test mode is right only to float32 precision (error {gap:.1e}): "
                         "compute in x's dtype; float64 input needs float64 arithmetic")
assert_close(out, expected, "batch_norm output in test mode, worked example with running statistics")
assert_close(new_mean, running_mean, "running_mean returned in test mode (must be unchanged)")
assert_close(new_var, running_var, "running_var returned in test mode (must be unchanged)")

# One example at a time gives the same outputs as the whole batch: test mode is independent of the batch.
with numpy_only("batch_norm"):
    one_by_one = np.concatenate([batch_norm(x[i:i + 1], running_mean, running_var, gamma, beta)[0]
                                 for i in range(4)])
assert_close(one_by_one, expected, "batch_norm in test mode, applied one example at a time")
print("Test mode uses the running statistics.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(61003)
for trial in range(10):
    N, D = rng.integers(1, 7), rng.integers(1, 6)
    x = rng.standard_normal((N, D)) * 2 + 1
    gamma, beta = rng.standard_normal(D), rng.standard_normal(D)
    rm, rv = rng.standard_normal(D), rng.uniform(0.2, 3, D)
    eps = [1e-5, 1e-2][trial % 2]
    with checks.numpy_only("batch_norm"):
        out, new_mean, new_var = batch_norm(x, rm.copy(), rv.copy(), gamma, beta, False, 0.1, eps)
    checks.assert_close(out, checks.call_torch(F.batch_norm, x, rm.copy(), rv.copy(), gamma, beta, False, 0.1, eps),
                        f"batch_norm (test mode) with x {x.shape}, eps {eps}")
    checks.assert_close(new_mean, rm, "running_mean returned in test mode")
    checks.assert_close(new_var, rv, "running_var returned in test mode")
### END HIDDEN TESTS

# %% tests="test_batch_norm_spatial" points=3
# Spatial BN on (N, C, H, W): per-channel statistics over N, H and W, in both modes.
import numpy as np
import torch.nn.functional as F
from cs_utils.checks import (assert_close, assert_shape, call_torch, expect_default, inputs_left_unchanged,
                             numpy_only)

rng = np.random.default_rng(3)
x = rng.standard_normal((4, 3, 5, 6)) * np.array([1.0, 3.0, 0.5])[None, :, None, None] + 2
running_mean, running_var = np.array([0.5, -1.0, 2.0]), np.array([4.0, 0.25, 1.5])   # unused for out in training
with numpy_only("batch_norm"), inputs_left_unchanged("batch_norm", x=x, running_mean=running_mean,
                                                     running_var=running_var):
    out, _, _ = batch_norm(x, running_mean, running_var, np.ones(3), np.zeros(3), training=True)
with numpy_only("batch_norm"):
    expect_default(lambda: batch_norm(x.copy(), running_mean.copy(), running_var.copy(), np.ones(3), np.zeros(3),
                                      True)[0],
                   lambda: batch_norm(x.copy(), running_mean.copy(), running_var.copy(), np.ones(3), np.zeros(3),
                                      True, eps=1e-5)[0],
                   "batch_norm(x (4, 3, 5, 6), ..., training=True) with eps left to its default",
                   "the default eps is 1e-5, as in torch.nn.functional.batch_norm")
assert_shape(out, x.shape, "batch_norm's output for x (4, 3, 5, 6)")
x_hat = (x - x.mean(axis=(0, 2, 3), keepdims=True)) / np.sqrt(x.var(axis=(0, 2, 3), keepdims=True) + 1e-5)
swapped = running_mean[:, None, None] * x_hat + running_var[:, None, None]   # CS231n's argument order
if np.allclose(np.asarray(out, dtype=float), swapped):
    raise AssertionError("batch_norm used running_mean and running_var as gamma and beta. The arguments follow "
                         "torch.nn.functional.batch_norm: batch_norm(x, running_mean, running_var, gamma, beta, "
                         "training=False, momentum=0.1, eps=1e-5), not CS231n's (x, gamma, beta, ...)")
per_position = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-5)     # statistics over axis 0 only
if np.allclose(np.asarray(out, dtype=float), per_position):
    raise AssertionError("batch_norm took the statistics over axis 0 only, one mean and variance per (c, h, w) "
                         "position. Spatial BN takes one per channel, over axes (0, 2, 3): N, H and W")
with_unbiased = (x - x.mean(axis=(0, 2, 3), keepdims=True)) / np.sqrt(x.var(axis=(0, 2, 3), keepdims=True, ddof=1)
                                                                      + 1e-5)
if np.allclose(np.asarray(out, dtype=float), with_unbiased):
    raise AssertionError("batch_norm normalized with the unbiased variance (divide by m - 1). The normalization "
                         "uses the biased batch variance, mean((x - mean)**2); only the running variance is unbiased")
eps_outside = (x - x.mean(axis=(0, 2, 3), keepdims=True)) / (np.sqrt(x.var(axis=(0, 2, 3), keepdims=True)) + 1e-5)
if np.allclose(np.asarray(out, dtype=float), eps_outside, rtol=1e-9, atol=1e-12):   # as in the train test
    raise AssertionError("spatial batch_norm divided by sqrt(var) + eps, with eps outside the square root. eps goes "
                         "inside it: (x - mean) / sqrt(var + eps)")
gap = np.abs(np.asarray(out, dtype=float) - x_hat).max()
if gap < 1e-6 * 5 and not np.allclose(np.asarray(out, dtype=float), x_hat, rtol=1e-7, atol=1e-9):
    raise AssertionError(f"spatial batch_norm's output is right only to float32 precision (error {gap:.1e}): "
                         "compute in x's dtype; float64 input needs float64 arithmetic")
per_channel = np.asarray(out).transpose(1, 0, 2, 3).reshape(3, -1)
assert_close(per_channel.mean(axis=1), np.zeros(3), "per-channel mean over (N, H, W) of spatial batch_norm "
             "(gamma=1, beta=0); are the statistics taken over axes (0, 2, 3)?", atol=1e-10)
assert_close(per_channel.std(axis=1), np.ones(3), "per-channel std over (N, H, W) of spatial batch_norm",
             rtol=1e-4)

gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
torch_mean, torch_var = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
ours_mean, ours_var = torch_mean.copy(), torch_var.copy()
expected = call_torch(F.batch_norm, x, torch_mean, torch_var, gamma, beta, True, 0.2)
with numpy_only("batch_norm"):
    out, ours_mean, ours_var = batch_norm(x, ours_mean, ours_var, gamma, beta, True, momentum=0.2)
assert_close(out, expected, "spatial batch_norm (training) vs torch, x (4, 3, 5, 6)")
assert_close(ours_mean, torch_mean, "spatial running_mean vs torch")
assert_close(ours_var, torch_var, "spatial running_var vs torch (unbiased over m = N*H*W = 120 values)")
with numpy_only("batch_norm"):
    out, _, _ = batch_norm(x, torch_mean.copy(), torch_var.copy(), gamma, beta)
assert_close(out, call_torch(F.batch_norm, x, torch_mean, torch_var, gamma, beta, False),
             "spatial batch_norm (test mode) vs torch")
print("Spatial batch_norm matches torch's batch_norm on (N, C, H, W).")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(61004)
for trial in range(12):
    N, C, H, W = rng.integers(1, 5), rng.integers(1, 5), rng.integers(1, 6), rng.integers(2, 6)
    x = rng.standard_normal((N, C, H, W)) * rng.uniform(0.2, 4) + rng.uniform(-2, 2)
    gamma, beta = rng.standard_normal(C), rng.standard_normal(C)
    torch_mean, torch_var = rng.standard_normal(C), rng.uniform(0.5, 2, C)
    rm, rv = torch_mean.copy(), torch_var.copy()
    momentum, eps, training = rng.uniform(0.05, 0.5), [1e-5, 1e-3][trial % 2], trial % 3 != 2
    x_before = x.copy()
    expected = checks.call_torch(F.batch_norm, x, torch_mean, torch_var, gamma, beta, training, momentum, eps)
    with checks.numpy_only("batch_norm"):
        out, rm, rv = batch_norm(x, rm, rv, gamma, beta, training, momentum, eps)
    label = f"spatial batch_norm, x {x.shape}, training={training}, momentum {momentum:.3f}, eps {eps}"
    checks.assert_close(out, expected, label)
    checks.assert_close(rm, torch_mean, f"running_mean of {label}")
    checks.assert_close(rv, torch_var, f"running_var of {label}")
    checks.assert_close(x, x_before, f"x after {label}: the input must not be modified")
### END HIDDEN TESTS

# %% [markdown]
# ## 4. The backward pass of batch normalization
#
# In training mode every output depends on every input of the same feature, through $\mu$ and
# $\sigma^2$: moving one input moves the mean and the variance, and through them every output. A
# naive "$\gamma / \sigma$ times the upstream gradient" forgets those two paths. You will derive
# the gradient yourself, the way autograd does: write the forward pass as a **computational graph
# of small steps**, each with an easy local derivative, and backpropagate through the steps in
# reverse order.
#
# For one feature with $m$ values $x_1, \dots, x_m$ ($m = N$ for `(N, D)`; $m = N \cdot H \cdot W$
# per channel for `(N, C, H, W)`) the forward pass is this chain:
#
# | step | forward | shape (per feature) |
# |---|---|---|
# | 1 | $\mu = \frac{1}{m}\sum_i x_i$ | scalar |
# | 2 | $c_i = x_i - \mu$ | $m$ values |
# | 3 | $v = \frac{1}{m}\sum_i c_i^2$ | scalar |
# | 4 | $s = \sqrt{v + \varepsilon}$ | scalar |
# | 5 | $r = 1 / s$ | scalar |
# | 6 | $\hat{x}_i = c_i \, r$ | $m$ values |
# | 7 | $y_i = \gamma \hat{x}_i + \beta$ | $m$ values |
#
# **Hints.** Start from $\partial L / \partial y$ = `dout` and walk from step 7 back to step 1,
# computing the gradient of every intermediate ($\hat{x}$, $r$, $s$, $v$, $c$, $\mu$, $x$).
# * A value that feeds two later steps collects the gradients of both: $c$ feeds steps 3 and 6,
#   and $x$ feeds steps 1 and 2. Add the two contributions.
# * A sum in the forward pass (steps 1 and 3) becomes a broadcast in the backward pass, and a
#   broadcast (a scalar such as $\mu$ or $r$ used for all $m$ values, steps 2 and 6) becomes a sum.
# * $\partial L / \partial \gamma$ and $\partial L / \partial \beta$ come from step 7 alone, summed
#   over the $m$ values.
#
# Write the steps out on paper first, then turn each one into a line of NumPy. Sums over the $m$
# values are sums over every axis but axis 1, as in `batch_norm`.
#
# ### Exercise 2: `batch_norm_backward`
#
# `batch_norm_backward(dout, x, gamma, eps=1e-5)` returns `(dx, dgamma, dbeta)` for the
# training-mode forward pass, for `(N, D)` and `(N, C, H, W)` inputs. Recompute the forward steps
# you need from `x`; `dgamma` and `dbeta` have `gamma`'s shape. All three have `x`'s dtype (float64
# for the float64 arrays the tests use). The tests compare your gradients with numeric gradients
# and with PyTorch's autograd in float64.

# %% solution="batch_norm_backward"
def batch_norm_backward(dout, x, gamma, eps=1e-5):
    """Gradients of training-mode batch normalization.

    dout: upstream gradient, x's shape. x: (N, D) or (N, C, H, W). gamma: (D,) or (C,).
    Returns (dx, dgamma, dbeta): dx has x's shape, dgamma and dbeta have gamma's shape.
    """
    ### BEGIN SOLUTION
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    m = x.size // x.shape[1]
    # Forward, step by step, keeping every intermediate.
    mu = x.sum(axis=axes, keepdims=True) / m                       # 1
    c = x - mu                                                     # 2
    v = (c ** 2).sum(axis=axes, keepdims=True) / m                 # 3
    s = np.sqrt(v + eps)                                           # 4
    r = 1.0 / s                                                    # 5
    x_hat = c * r                                                  # 6
    # Backward, from step 7 to step 1.
    dbeta = dout.sum(axis=axes)                                    # 7
    dgamma = (dout * x_hat).sum(axis=axes)
    dx_hat = dout * gamma.reshape(shape)
    dr = (dx_hat * c).sum(axis=axes, keepdims=True)                # 6: r was broadcast, so sum
    dc = dx_hat * r                                                # 6: first path into c
    ds = -dr / s ** 2                                              # 5
    dv = 0.5 * ds / s                                              # 4
    dc = dc + 2.0 * c * dv / m                                     # 3: second path into c
    dmu = -dc.sum(axis=axes, keepdims=True)                        # 2
    dx = dc + dmu / m                                              # 2 and 1: both paths into x
    return dx, dgamma, dbeta
    ### END SOLUTION

# %% tests="test_batch_norm_backward_numeric" points=2
# (N, D): compare with centred-difference gradients of a forward pass written out here.
import numpy as np
from cs_utils.checks import assert_close, assert_close_naming_mistakes, numpy_only
from cs_utils.gradcheck import numeric_gradient


def reference_bn_2d(a, g, b, eps=1e-5):
    centred = a - a.mean(axis=0)
    return g * centred / np.sqrt((centred ** 2).mean(axis=0) + eps) + b


rng = np.random.default_rng(4)
x = rng.standard_normal((5, 3)) * 2 + 1
gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
dout = rng.standard_normal((5, 3))
with numpy_only("batch_norm_backward"):
    dx, dgamma, dbeta = batch_norm_backward(dout, x, gamma)
assert_close(dbeta, dout.sum(axis=0), "dbeta for x (5, 3): the sum of dout over the batch")
assert_close_naming_mistakes(dgamma, numeric_gradient(lambda g: reference_bn_2d(x, g, beta), gamma.copy(), dout),
                             "dgamma for x (5, 3) vs numeric gradient", {
                                 "dgamma is sum(dout * x): gamma multiplies x_hat, so dgamma = sum(dout * x_hat)":
                                     (dout * x).sum(axis=0)}, rtol=1e-5, atol=1e-7)
with numpy_only("batch_norm_backward"):
    dx_large_eps, _, _ = batch_norm_backward(dout, x, gamma, eps=0.5)
without_eps = numeric_gradient(lambda a: reference_bn_2d(a, gamma, beta, 0.0), x.copy(), dout)
if np.shape(dx_large_eps) == x.shape and np.allclose(dx_large_eps, without_eps, rtol=1e-5, atol=1e-7):
    raise AssertionError("with eps=0.5, dx is the gradient of batch norm without eps: use sqrt(var + eps) in the "
                         "backward pass too, as in the forward pass")
assert_close(dx, numeric_gradient(lambda a: reference_bn_2d(a, gamma, beta), x.copy(), dout),
             "dx for x (5, 3) vs numeric gradient (does dx include the paths through the mean and variance?)",
             rtol=1e-5, atol=1e-7)
assert_close(dx_large_eps, numeric_gradient(lambda a: reference_bn_2d(a, gamma, beta, 0.5), x.copy(), dout),
             "dx for x (5, 3) with eps=0.5 vs numeric gradient (is eps inside the square root?)", rtol=1e-5, atol=1e-7)
print("batch_norm_backward agrees with numeric gradients on (N, D).")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks
import cs_utils.gradcheck

checks = importlib.reload(cs_utils.checks)
gradcheck = importlib.reload(cs_utils.gradcheck)
rng = np.random.default_rng(61005)
for trial in range(6):
    N, D = rng.integers(2, 7), rng.integers(1, 5)
    x = rng.standard_normal((N, D)) * rng.uniform(0.5, 3) + rng.uniform(-2, 2)
    gamma, beta, dout = rng.standard_normal(D), rng.standard_normal(D), rng.standard_normal((N, D))
    eps = [1e-5, 1e-2][trial % 2]
    with checks.numpy_only("batch_norm_backward"):
        dx, dgamma, dbeta = batch_norm_backward(dout, x.copy(), gamma.copy(), eps)
    label = f"x {x.shape}, eps {eps}"
    checks.assert_close(dbeta, dout.sum(axis=0), f"dbeta, {label}")
    checks.assert_close(dgamma, gradcheck.numeric_gradient(lambda g: reference_bn_2d(x, g, beta, eps), gamma.copy(),
                                                           dout), f"dgamma, {label}", rtol=1e-5, atol=1e-7)
    checks.assert_close(dx, gradcheck.numeric_gradient(lambda a: reference_bn_2d(a, gamma, beta, eps), x.copy(),
                                                       dout), f"dx, {label}", rtol=1e-5, atol=1e-7)
### END HIDDEN TESTS

# %% tests="test_batch_norm_backward_autograd" points=2
# (N, C, H, W): compare with torch autograd through F.batch_norm in training mode.
import importlib

import numpy as np

import cs_utils.norm_reference
from cs_utils.checks import assert_close, assert_close_naming_mistakes, numpy_only

# torch's gradients, and what common wrong backward passes give (cs_utils/norm_reference.py)
norm_reference = importlib.reload(cs_utils.norm_reference)
autograd_bn = norm_reference.batch_norm_grads

rng = np.random.default_rng(5)
x = rng.standard_normal((3, 4, 5, 2)) * 2 + 1
gamma, dout = rng.standard_normal(4), rng.standard_normal((3, 4, 5, 2))
with numpy_only("batch_norm_backward"):
    dx, dgamma, dbeta = batch_norm_backward(dout, x, gamma)
expected_dx, expected_dgamma, expected_dbeta = autograd_bn(dout, x, gamma)
for ours, right, without_eps in zip([dx, dgamma], [expected_dx, expected_dgamma], autograd_bn(dout, x, gamma, 1e-30)):
    if (np.shape(ours) == right.shape and not np.allclose(ours, right, rtol=1e-7, atol=1e-9)
            and np.allclose(ours, without_eps, rtol=1e-9, atol=1e-12)):
        raise AssertionError("batch_norm_backward's gradients are those of batch norm without eps: use "
                             "sqrt(var + eps) in the backward pass too, as in the forward pass")
mistakes = norm_reference.batch_norm_grad_mistakes(dout, x, gamma)
assert_close(dbeta, expected_dbeta, "dbeta for x (3, 4, 5, 2): sum over N, H and W")
assert_close_naming_mistakes(dgamma, expected_dgamma, "dgamma for x (3, 4, 5, 2) vs torch autograd",
                             mistakes["dgamma"])
assert_close_naming_mistakes(dx, expected_dx, "dx for x (3, 4, 5, 2) vs torch autograd", mistakes["dx"])
print("batch_norm_backward agrees with autograd on (N, C, H, W).")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
autograd_bn = importlib.reload(cs_utils.norm_reference).batch_norm_grads  # whatever the code above changed
rng = np.random.default_rng(61006)
for trial in range(10):
    shape = (rng.integers(1, 4), rng.integers(1, 5), rng.integers(1, 5), rng.integers(2, 5))
    if trial % 4 == 0:
        shape = (rng.integers(2, 8), rng.integers(1, 6))
    x = rng.standard_normal(shape) * rng.uniform(0.5, 3) + rng.uniform(-2, 2)
    gamma, dout = rng.standard_normal(shape[1]), rng.standard_normal(shape)
    eps = [1e-5, 1e-3][trial % 2]
    with checks.numpy_only("batch_norm_backward"):
        dx, dgamma, dbeta = batch_norm_backward(dout, x.copy(), gamma.copy(), eps)
    expected_dx, expected_dgamma, expected_dbeta = autograd_bn(dout, x, gamma, eps)
    label = f"x {x.shape}, eps {eps}"
    checks.assert_close(dbeta, expected_dbeta, f"dbeta, {label}")
    checks.assert_close(dgamma, expected_dgamma, f"dgamma, {label}")
    checks.assert_close(dx, expected_dx, f"dx, {label}", rtol=1e-6, atol=1e-9)
### END HIDDEN TESTS

# %% [markdown]
# ### Stretch exercise 2b: the one-line `dx`
#
# Your staged backward pass is correct but long. Now simplify it **on paper**: substitute the
# steps into each other, from $\partial L / \partial \hat{x}_i = \gamma \, \partial L / \partial y_i$
# down to $\partial L / \partial x_i$, until $\partial L / \partial x_i$ is a single expression in
# $r = 1/\sqrt{\sigma^2 + \varepsilon}$, $m$, $\hat{x}_i$, $\partial L / \partial \hat{x}_i$ and
# two sums over the feature's $m$ values. (Useful facts: $\sum_i c_i = 0$ and $c_i = \hat{x}_i / r$.)
# Each of the two sums is one of the paths the naive gradient forgets.
#
# `batch_norm_backward_alt(dout, x, gamma, eps=1e-5)` has the same contract as
# `batch_norm_backward` (the results have `x`'s dtype, float64 for the float64 arrays the tests
# use), but computes `dx` with your simplified expression: one line, no intermediate step
# gradients. It is graded against PyTorch on its own, so this exercise has its own points. The
# cell after its test times the two versions.

# %% solution="batch_norm_backward_alt"
def batch_norm_backward_alt(dout, x, gamma, eps=1e-5):
    """Gradients of training-mode batch normalization, dx from the simplified closed form.

    dout: upstream gradient, x's shape. x: (N, D) or (N, C, H, W). gamma: (D,) or (C,).
    Returns (dx, dgamma, dbeta): dx has x's shape, dgamma and dbeta have gamma's shape.
    """
    ### BEGIN SOLUTION
    axes = (0,) + tuple(range(2, x.ndim))
    m = x.size // x.shape[1]
    r = 1.0 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    x_hat = (x - x.mean(axis=axes, keepdims=True)) * r
    dx_hat = dout * gamma.reshape((1, -1) + (1,) * (x.ndim - 2))
    dx = r / m * (m * dx_hat - dx_hat.sum(axis=axes, keepdims=True)
                  - x_hat * (dx_hat * x_hat).sum(axis=axes, keepdims=True))
    return dx, (dout * x_hat).sum(axis=axes), dout.sum(axis=axes)
    ### END SOLUTION

# %% tests="test_batch_norm_backward_alt" points=2
# The simplified backward pass vs torch autograd in float64, on (N, D) and (N, C, H, W).
import importlib

import numpy as np

import cs_utils.norm_reference
from cs_utils.checks import assert_close, assert_close_naming_mistakes, numpy_only

# torch's gradients, and what common wrong backward passes give (cs_utils/norm_reference.py)
norm_reference = importlib.reload(cs_utils.norm_reference)
autograd_bn = norm_reference.batch_norm_grads

rng = np.random.default_rng(15)
for shape in [(6, 3), (3, 4, 5, 2)]:
    x = rng.standard_normal(shape) * 2 + 1
    gamma, dout = rng.standard_normal(shape[1]), rng.standard_normal(shape)
    with numpy_only("batch_norm_backward_alt"):
        dx, dgamma, dbeta = batch_norm_backward_alt(dout, x, gamma)
    expected_dx, expected_dgamma, expected_dbeta = autograd_bn(dout, x, gamma)
    # eps = 1e-5 moves the gradients by about 1e-6: tight tolerances tell a missing eps from other errors.
    for ours, right, without_eps in zip([dx, dgamma], [expected_dx, expected_dgamma],
                                        autograd_bn(dout, x, gamma, 1e-30)):
        if (np.shape(ours) == right.shape and not np.allclose(ours, right, rtol=1e-7, atol=1e-9)
                and np.allclose(ours, without_eps, rtol=1e-9, atol=1e-12)):
            raise AssertionError("batch_norm_backward_alt's gradients are those of batch norm without eps: use "
                                 "sqrt(var + eps) in the backward pass too, as in the forward pass")
    mistakes = norm_reference.batch_norm_grad_mistakes(dout, x, gamma)
    assert_close(dbeta, expected_dbeta, f"dbeta of batch_norm_backward_alt for x {shape}")
    assert_close_naming_mistakes(dgamma, expected_dgamma, f"dgamma of batch_norm_backward_alt for x {shape} vs "
                                 "torch autograd", mistakes["dgamma"])
    assert_close_naming_mistakes(dx, expected_dx, f"dx of batch_norm_backward_alt for x {shape} vs torch autograd "
                                 "(both sums over the feature's m values, and gamma?)", mistakes["dx"],
                                 rtol=1e-6, atol=1e-9)
print("batch_norm_backward_alt agrees with autograd on (N, D) and (N, C, H, W).")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
autograd_bn = importlib.reload(cs_utils.norm_reference).batch_norm_grads  # whatever the code above changed
rng = np.random.default_rng(61012)
for trial in range(10):
    shape = (rng.integers(1, 4), rng.integers(1, 5), rng.integers(1, 5), rng.integers(2, 5))
    if trial % 3 == 0:
        shape = (rng.integers(2, 8), rng.integers(1, 6))
    x = rng.standard_normal(shape) * rng.uniform(0.5, 3) + rng.uniform(-2, 2)
    gamma, dout = rng.standard_normal(shape[1]), rng.standard_normal(shape)
    eps = [1e-5, 1e-3][trial % 2]
    x_before = x.copy()
    with checks.numpy_only("batch_norm_backward_alt"):
        dx, dgamma, dbeta = batch_norm_backward_alt(dout, x, gamma.copy(), eps)
    expected_dx, expected_dgamma, expected_dbeta = autograd_bn(dout, x_before, gamma, eps)
    label = f"batch_norm_backward_alt, x {x.shape}, eps {eps}"
    checks.assert_close(dbeta, expected_dbeta, f"dbeta, {label}")
    checks.assert_close(dgamma, expected_dgamma, f"dgamma, {label}")
    checks.assert_close(dx, expected_dx, f"dx, {label}", rtol=1e-6, atol=1e-9)
    checks.assert_close(x, x_before, f"x after {label}: the input must not be modified")
### END HIDDEN TESTS

# %% [markdown]
# How much does the simplification buy? Both versions compute the same `dx`; the cell below times
# them on a batch of activation maps of the size of section 5's network (64 digits, 16 channels,
# 8×8) and on a larger one.

# %% tags=["experiment"]
def median_time(fn, *args, repeats=3, number=10):
    """Median of `repeats` averages over `number` calls, in milliseconds, after one warm-up call (notebook 04's
    rules: the median ignores the odd slow run, where the minimum is optimistic)."""
    fn(*args)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn(*args)
        times.append((time.perf_counter() - start) / number)
    return 1e3 * float(np.median(times))


timing_rng = np.random.default_rng(SEED)
try:
    for shape in [(64, 16, 8, 8), (32, 64, 16, 16)]:
        x = timing_rng.standard_normal(shape)
        gamma, dout = timing_rng.standard_normal(shape[1]), timing_rng.standard_normal(shape)
        staged_ms = median_time(batch_norm_backward, dout, x, gamma)
        alt_ms = median_time(batch_norm_backward_alt, dout, x, gamma)
        gap = np.abs(batch_norm_backward(dout, x, gamma)[0] - batch_norm_backward_alt(dout, x, gamma)[0]).max()
        ratio = staged_ms / alt_ms
        verdict = (f"the one-line version is {ratio:.1f}x faster" if ratio > 1.1 else
                   f"the step-by-step version is {1 / ratio:.1f}x faster" if ratio < 1 / 1.1 else
                   "the two take about the same time")
        print(f"x {shape}: step by step {staged_ms:.2f} ms, one line {alt_ms:.2f} ms: {verdict} "
              f"(largest difference in dx {gap:.1e})")
except NotImplementedError:
    print("Write batch_norm_backward and batch_norm_backward_alt first, then run this cell again.")

# %% [markdown]
# The printed lines say which version was faster, by how much, and that both give the same `dx`
# up to round-off. Do not expect a large, steady gain from the one-line form in NumPy: each version
# makes a handful of passes over the arrays (a few sums and element-wise products, each making a
# temporary array), and the one-line form saves only a few of them. Which one wins, and by how
# much, depends on the machine and on the size of the arrays, and the winner can differ between
# the two sizes; run the cell twice and the ratios move too. What the simplification buys is mostly
# understanding: the formula shows the two correction terms (the paths through $\mu$ and
# $\sigma^2$) at a glance, and it needs just two sums per feature, which is how fused
# GPU kernels compute the batch-norm backward pass.

# %% [markdown]
# ## 5. Batch normalization in a deep network
#
# The lecture's list of what BN buys: it makes deep networks much easier to train, improves
# gradient flow, allows higher learning rates and faster convergence, makes networks more robust to
# initialization, and acts as a regularizer. BN usually goes after a fully connected or
# convolutional layer and before the nonlinearity, though the lecture calls the placement a topic
# of debate: some networks normalize after the ReLU instead, and neither order wins everywhere.
# This notebook, GoogLeNet (10) and ResNet (11) follow the common order: conv, BN, ReLU.
#
# We test the "higher learning rate" claim. The same 8-layer ConvNet (`make_deep_net` above, He
# initialization), with and without `nn.BatchNorm2d` after each convolution, is trained with SGD at
# learning rate 0.1 for a few seeds. We compare **training loss**, which says directly whether
# optimization works; a single test accuracy after a short run is too noisy for that. (At
# learning rate 0.02 both networks train; change `LR` to see it.)

# %% tags=["experiment"]
LR = 0.1
runs = {"plain": [], "with BN": []}
trained = {}
for name, use_bn in [("plain", False), ("with BN", True)]:
    for seed in range(N_SEEDS):
        model = make_deep_net(batchnorm=use_bn, seed=seed)
        runs[name].append(train_steps(model, x_train_t, y_train_t, lr=LR, steps=STEPS, seed=seed,
                                      desc=f"{name}, seed {seed}"))
        trained.setdefault(name, model)                  # keep seed 0's network for later
    print(f"{name:8s} final training loss per seed: "
          + ", ".join(f"{r[-10:].mean():.3f}" for r in runs[name])
          + f" | test accuracy (seed 0): {accuracy(trained[name], x_test_t, y_test_t):.3f}")


def smooth(values, width=10):
    """Moving average over `width` steps; a window holding a NaN or inf stays NaN (not plotted)."""
    values = np.asarray(values, dtype=float)
    values = np.where(np.isfinite(values), values, np.nan)
    return np.convolve(values, np.ones(width) / width, mode="valid")


fig, ax = plt.subplots(figsize=(8, 4))
for color, (name, curves) in zip(["C0", "C1"], runs.items()):
    curves = np.asarray(curves, dtype=float)
    finite = np.isfinite(curves).all(axis=1)
    for seed, curve in enumerate(curves):
        ax.plot(np.arange(10, len(curve) + 1), smooth(curve), color=color, alpha=0.25)   # at each window's end
        if not finite[seed]:
            first_bad = int(np.argmax(~np.isfinite(curve)))
            print(f"{name}, seed {seed}: the loss became {curve[first_bad]} at step {first_bad + 1}")
            ax.plot(first_bad + 1, 3.9, marker="x", color=color, markersize=9, mew=2, ls="none",
                    label=f"{name}: seed {seed} diverged (NaN)")
    if finite.any():
        mean = smooth(curves[finite].mean(axis=0))
        ax.plot(np.arange(10, len(curves[0]) + 1), mean, color=color, lw=2.5,
                label=f"{name}: mean of the {finite.sum()} finite seed(s)")
ax.axhline(np.log(10), color="gray", ls=":", lw=1, label="ln 10 (uniform guess)")
ax.set_ylim(0, 4)
ax.set_xlabel("training step (loss averaged over the last 10 steps)")
ax.set_ylabel("training loss")
ax.set_title(f"8-layer ConvNet, SGD at lr {LR}, {N_SEEDS} seeds")
ax.legend(fontsize=8)
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 3. Training loss of the same 8-layer ConvNet without (blue) and with (orange) batch
# normalization at learning rate 0.1, each point the mean over the 10 steps up to it: faint lines
# are single seeds, thick lines average the seeds whose loss stayed finite. Without BN the loss
# shoots up in the first steps (off the top of the chart). A seed whose loss overflowed to NaN is
# marked with a cross at the step where that happened (the printed output above names the seed
# and the step) and its faint line ends just before it (or leaves the top of the chart first, when
# the loss grew before it overflowed):
# that run is lost for good. The plain seeds that stay finite end at ln 10 ≈ 2.30 (dotted line),
# the loss of a network that gives every class probability 1/10, and seed 0's printed test
# accuracy is chance level: the large early updates wrecked them and they never recover. With BN
# the loss falls to almost zero for every seed.*
#
# ### The classic bug: forgetting `model.eval()`
#
# `nn.BatchNorm2d` checks `model.training`. After `model.train()` (the default state of a new
# model, and the state training leaves it in) it normalizes with the statistics of the current
# batch *and overwrites its running averages*, even under `torch.no_grad()`. Evaluate a model
# without calling `model.eval()` first and you get predictions that depend on the rest of the
# batch. Batches drawn at random from the test set largely hide the bug, even batches of only 8
# as below: their statistics resemble those of the training batches. Batches that are not random
# (say, a test set stored class by class), or batches of one or two images, expose it.

# %% tags=["experiment"]
bn_model = trained["with BN"]
saved_state = copy.deepcopy(bn_model.state_dict())
test_acc_eval = accuracy(bn_model, x_test_t, y_test_t)      # accuracy() calls model.eval()


def predict_in_batches(model, order, batch_size=8):
    with torch.no_grad():
        predictions = [model(x_test_t[order[i:i + batch_size]]).argmax(1) for i in range(0, len(order), batch_size)]
    result = torch.empty(len(order), dtype=torch.long)
    result[torch.as_tensor(order)] = torch.cat(predictions)   # back to the test set's order
    return result


by_class = np.argsort(y_test, kind="stable")                 # a test set stored class by class
shuffled = np.random.default_rng(SEED).permutation(len(y_test))
bn_model.train()                                             # ... and we forget model.eval()
sorted_predictions = predict_in_batches(bn_model, by_class)
shuffled_predictions = predict_in_batches(bn_model, shuffled)
with torch.no_grad():
    same_image_a = bn_model(x_test_t[:8])[0]                 # image 0 among 7 others...
    same_image_b = bn_model(x_test_t[[0, 100, 101, 102, 103, 104, 105, 106]])[0]  # ...and among 7 different ones
running_var_change = (bn_model[1].running_var / saved_state["1.running_var"]).max().item()

print(f"test accuracy with model.eval():                           {test_acc_eval:.3f}")
print(f"train mode, shuffled test set in batches of 8:             "
      f"{(shuffled_predictions == y_test_t).float().mean().item():.3f}")
print(f"train mode, test set stored class by class, batches of 8:  "
      f"{(sorted_predictions == y_test_t).float().mean().item():.3f}")
print(f"test images whose predicted class depends on the batching: "
      f"{(sorted_predictions != shuffled_predictions).sum().item()} of {len(y_test)}")
print(f"the logits of one image change with its batch by up to     "
      f"{(same_image_a - same_image_b).abs().max().item():.2f}")
print(f"'evaluating' changed the first BN layer's running variance by up to a factor {running_var_change:.2f}")
bn_model.load_state_dict(saved_state)                        # undo the damage
bn_model.eval()
print("running statistics restored; the model is in eval mode:", not bn_model.training)

# %% [markdown]
# The symptoms: accuracy that depends on the batch size or on how the test set is ordered,
# predictions that change when you evaluate the same image twice, and (after evaluating) a model
# whose running statistics were quietly rewritten with test data. Compare the three printed
# accuracies: only the class-by-class order clearly hurts. This network on easy 8×8 digits is
# fairly robust, so the damage is modest; with harder data, batches of one or two, or a
# test set that differs from the training set, it can be far worse. The fix is one line: call
# `model.eval()` before evaluating and `model.train()` before training again.
#
# ## 6. Layer, instance and group normalization
#
# BN needs a batch: its statistics mix examples, it behaves differently at train and test time,
# and with small batches its estimates are poor. Three relatives normalize each example on its own,
# so they behave the same at training and test time. For $x$ of shape $N \times C \times H \times
# W$:
#
# | method | statistics over | $\mu, \sigma$ shape | used in |
# |---|---|---|---|
# | batch norm | $N, H, W$ (per channel) | $1 \times C \times 1 \times 1$ | ConvNets with decent batch sizes |
# | layer norm | $C, H, W$ (per example) | $N \times 1 \times 1 \times 1$ | recurrent nets, Transformers |
# | instance norm | $H, W$ (per example and channel) | $N \times C \times 1 \times 1$ | style transfer |
# | group norm | $H, W$ and a group of $C/G$ channels | $N \times G \times 1 \times 1$ | detection, small batches |
#
# Layer norm is due to Ba, Kiros and Hinton (2016), instance norm to Ulyanov et al. (2017) and group
# norm to Wu and He (2018).
#
# Group norm interpolates between the other two: with $G = 1$ group it normalizes over $C, H, W$
# (layer norm's axes), with $G = C$ groups over $H, W$ (instance norm). The next figure is Wu and
# He's comparison, computed rather than drawn: we change one input value and colour every output
# that changes, which is exactly the set of values normalized together with it. The figure uses
# PyTorch's functions, so it works before you write yours.

# %% tags=["experiment"]
def normalized_together(norm, shape=(4, 6, 2, 2), where=(1, 2, 0, 0)):
    """Boolean (N, C, H, W) mask of the outputs that change when input x[where] changes."""
    x = torch.randn(shape, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    nudged = x.clone()
    nudged[where] += 1.0
    return ((norm(nudged) - norm(x)).abs() > 1e-9).numpy()


comparison = {
    "Batch Norm": lambda t: F.batch_norm(t, None, None, training=True),
    "Layer Norm": lambda t: F.layer_norm(t, t.shape[1:]),
    "Instance Norm": lambda t: F.instance_norm(t),
    "Group Norm (G = 2)": lambda t: F.group_norm(t, 2),
}
fig = plt.figure(figsize=(15, 4.2))
for i, (title, norm) in enumerate(comparison.items()):
    mask = normalized_together(norm)
    N, C, H, W = mask.shape
    cube = mask.reshape(N, C, H * W)                            # axes: N, C, (H, W) flattened
    ax = fig.add_subplot(1, 4, i + 1, projection="3d")
    ax.set_box_aspect(None, zoom=0.75)
    ax.voxels(cube, facecolors=(0.25, 0.5, 0.85, 0.9), edgecolor=(0.1, 0.2, 0.4, 0.6), linewidth=0.4)
    for corner in np.array(np.meshgrid([0, N], [0, C], [0, H * W])).T.reshape(-1, 3):   # the whole tensor
        for axis, size in enumerate((N, C, H * W)):
            if corner[axis] == 0:
                end = corner.copy()
                end[axis] = size
                ax.plot(*zip(corner, end), color="gray", linewidth=0.8)
    ax.set_xlabel("N")
    ax.set_ylabel("C")
    ax.set_zlabel("H, W", labelpad=-6)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_zticks([])
    ax.set_title(title)
fig.subplots_adjust(left=0.01, right=0.97, bottom=0.04, top=0.9, wspace=0.08)
plt.show()

# %% [markdown]
# *Figure 4. Which values are normalized together (blue) with one value of a 4×6×(2×2) input: N
# (batch) runs along one axis, C (channels) along another, the spatial positions H, W are stacked
# vertically. Batch norm: one channel across the whole batch. Layer norm: one example, all
# channels. Instance norm: one example, one channel. Group norm: one example, a group of channels
# (here 3 of the 6).*
#
# ### Exercise 3: `layer_norm`, `instance_norm` and `group_norm`
#
# All three use the biased variance (divide by the count) and `eps` inside the square root as BN
# does, and mirror PyTorch's functional versions. The results have `x`'s dtype (float64 for the
# float64 arrays the tests use).
#
# * `layer_norm(x, normalized_shape, gamma, beta, eps=1e-5)`, as
#   `F.layer_norm(x, normalized_shape, gamma, beta, eps)`: `normalized_shape` is a tuple, the shape
#   of the **last `len(normalized_shape)` axes** of `x`, and the statistics are taken over those
#   axes, one mean and variance for each index of the axes before them. `gamma` and `beta` have
#   shape `normalized_shape`, one value per element. For an image batch, `x.shape[1:]` =
#   (C, H, W) normalizes each example over all its values, as `nn.LayerNorm([C, H, W])` (the
#   table's layer norm); `(D,)` on an `(N, D)` input is the lecture's case (and a Transformer's, on
#   `(N, T, D)`); `(H, W)` normalizes each channel of each example on its own.
# * `instance_norm(x, *, gamma, beta, eps=1e-5)`: `x` is `(N, C, H, W)`, normalized over (H, W)
#   for each example and channel; `gamma` and `beta` have shape `(C,)`. The one difference from
#   torch is the `*`, which makes `gamma`, `beta` and `eps` keyword-only: call it
#   `instance_norm(x, gamma=gamma, beta=beta, eps=eps)`, as you would call
#   `F.instance_norm(x, weight=gamma, bias=beta, eps=eps)`. Torch's second and third positional
#   arguments are `running_mean` and `running_var`, for a rarely used mode that tracks running
#   statistics as BN does; this exercise leaves that mode out, and since `gamma` in second place
#   would mean a running mean to torch, yours takes no positional arguments after `x`.
# * `group_norm(x, num_groups, gamma, beta, eps=1e-5)`: `x` is `(N, C, H, W)`; the `C` channels
#   form `num_groups` consecutive groups of `C // num_groups` channels (channels 0 to C/G − 1 are
#   group 0, and so on); each example is normalized over (its group's channels, H, W). `gamma`,
#   `beta`: `(C,)`, as `F.group_norm(x, num_groups, gamma, beta, eps)`.

# %% solution="layer_norm"
def layer_norm(x, normalized_shape, gamma, beta, eps=1e-5):
    """Layer normalization over the last len(normalized_shape) axes of x; as F.layer_norm.

    x: (..., *normalized_shape), e.g. (N, C, H, W) with normalized_shape (C, H, W), or (N, D) with (D,).
    gamma, beta: normalized_shape. Returns x's shape.
    """
    ### BEGIN SOLUTION
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    centred = x - x.mean(axis=axes, keepdims=True)
    spread = np.sqrt(np.mean(centred ** 2, axis=axes, keepdims=True) + eps)
    return gamma * (centred / spread) + beta
    ### END SOLUTION

# %% solution="instance_norm"
def instance_norm(x, *, gamma, beta, eps=1e-5):
    """Instance normalization: each (example, channel) over H and W; as F.instance_norm(x, weight=, bias=, eps=).

    x: (N, C, H, W). gamma, beta: (C,), keyword-only (torch's 2nd and 3rd arguments are running
    statistics, a mode left out here). Returns (N, C, H, W).
    """
    ### BEGIN SOLUTION
    centred = x - x.mean(axis=(2, 3), keepdims=True)
    spread = np.sqrt(np.mean(centred ** 2, axis=(2, 3), keepdims=True) + eps)
    return gamma[None, :, None, None] * (centred / spread) + beta[None, :, None, None]
    ### END SOLUTION

# %% solution="group_norm"
def group_norm(x, num_groups, gamma, beta, eps=1e-5):
    """Group normalization: each example over (a group of C // num_groups consecutive channels, H, W).

    x: (N, C, H, W), C divisible by num_groups. gamma, beta: (C,). As F.group_norm. Returns (N, C, H, W).
    """
    ### BEGIN SOLUTION
    N, C, H, W = x.shape
    grouped = x.reshape(N, num_groups, C // num_groups * H * W)
    centred = grouped - grouped.mean(axis=2, keepdims=True)
    spread = np.sqrt(np.mean(centred ** 2, axis=2, keepdims=True) + eps)
    normalized = (centred / spread).reshape(N, C, H, W)
    return gamma[None, :, None, None] * normalized + beta[None, :, None, None]
    ### END SOLUTION

# %% tests="test_layer_norm" points=2
import numpy as np
import torch.nn.functional as F
from cs_utils.checks import assert_close, call_torch, inputs_left_unchanged, numpy_only

rng = np.random.default_rng(6)
x = rng.standard_normal((3, 4, 5, 2)) * np.arange(1.0, 4.0)[:, None, None, None] + 1
with numpy_only("layer_norm"), inputs_left_unchanged("layer_norm", x=x):
    out = np.asarray(layer_norm(x, x.shape[1:], np.ones((4, 5, 2)), np.zeros((4, 5, 2))))
assert_close(out.reshape(3, -1).mean(axis=1), np.zeros(3), "per-example mean of layer_norm(x, x.shape[1:], ...) "
             "(gamma=1, beta=0): each example is normalized over (C, H, W)", atol=1e-10)
assert_close(out.reshape(3, -1).std(axis=1), np.ones(3), "per-example std of layer_norm(x, x.shape[1:], ...)",
             rtol=1e-4)
gamma, beta = rng.standard_normal((4, 5, 2)), rng.standard_normal((4, 5, 2))
expected = call_torch(F.layer_norm, x, x.shape[1:], gamma, beta)
with numpy_only("layer_norm"), inputs_left_unchanged("layer_norm", x=x, gamma=gamma, beta=beta):
    out = layer_norm(x, x.shape[1:], gamma, beta)
assert_close(out, expected, "layer_norm vs torch, x (3, 4, 5, 2), normalized_shape (4, 5, 2)")
# normalized_shape names the last axes: (H, W) normalizes each channel of each example on its own.
gamma, beta = rng.standard_normal((5, 2)), rng.standard_normal((5, 2))
expected = call_torch(F.layer_norm, x, (5, 2), gamma, beta)
with numpy_only("layer_norm"), inputs_left_unchanged("layer_norm", x=x, gamma=gamma, beta=beta):
    out = layer_norm(x, (5, 2), gamma, beta)
assert_close(out, expected, "layer_norm vs torch, x (3, 4, 5, 2), "
             "normalized_shape (5, 2): the statistics are over the last 2 axes only, one per (example, channel)")
x = rng.standard_normal((6, 4)) * 3 - 1
gamma, beta = rng.standard_normal(4), rng.standard_normal(4)
expected = call_torch(F.layer_norm, x, (4,), gamma, beta)
with numpy_only("layer_norm"), inputs_left_unchanged("layer_norm", x=x, gamma=gamma, beta=beta):
    out = layer_norm(x, (4,), gamma, beta)
assert_close(out, expected, "layer_norm vs torch, x (6, 4), normalized_shape (4,)")
print("layer_norm matches F.layer_norm(x, normalized_shape, gamma, beta).")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(61007)
for trial in range(12):
    ndim = 2 + trial % 3
    k = 1 + (trial // 3) % ndim                      # normalize over the last k axes, 1 <= k <= ndim
    shape = tuple(int(s) for s in rng.integers(1, 6, size=ndim - 1)) + (int(rng.integers(2, 6)),)
    normalized_shape = shape[ndim - k:]
    x = rng.standard_normal(shape) * rng.uniform(0.2, 4) + rng.uniform(-2, 2)
    gamma, beta = rng.standard_normal(normalized_shape), rng.standard_normal(normalized_shape)
    eps = [1e-5, 1e-2][trial % 2]
    before = [a.copy() for a in (x, gamma, beta)]
    expected = checks.call_torch(F.layer_norm, x, normalized_shape, gamma, beta, eps)
    with checks.numpy_only("layer_norm"):
        out = layer_norm(x, normalized_shape, gamma, beta, eps)
    label = f"layer_norm with x {x.shape}, normalized_shape {normalized_shape}, eps {eps}"
    checks.assert_close(out, expected, label)
    for name, a, b in zip(("x", "gamma", "beta"), (x, gamma, beta), before):
        checks.assert_close(a, b, f"{name} after {label}: the input must not be modified")
### END HIDDEN TESTS

# %% tests="test_instance_norm" points=2
import numpy as np
import torch.nn.functional as F
from cs_utils.checks import assert_close, assert_close_naming_mistakes, call_torch, inputs_left_unchanged, numpy_only

rng = np.random.default_rng(7)
x = rng.standard_normal((2, 3, 6, 5)) * 2 + 1
gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
expected = call_torch(F.instance_norm, x, weight=gamma, bias=beta)
# With the unbiased variance v * n / (n - 1), n = H * W: c / sqrt(v n / (n - 1) + eps) is sqrt((n - 1) / n) times
# c / sqrt(v + eps (n - 1) / n), i.e. torch's instance norm with eps scaled, scaled before gamma and beta.
n = 6 * 5
unbiased = (np.sqrt((n - 1) / n) * call_torch(F.instance_norm, x, eps=1e-5 * (n - 1) / n)
            * gamma[None, :, None, None] + beta[None, :, None, None])
with numpy_only("instance_norm"), inputs_left_unchanged("instance_norm", x=x, gamma=gamma, beta=beta):
    out = instance_norm(x, gamma=gamma, beta=beta)
# Centred per (example, channel), but divided by one spread for the whole batch.
centred = x - x.mean(axis=(2, 3), keepdims=True)
one_spread = centred / np.sqrt(np.mean(centred ** 2) + 1e-5) * gamma[None, :, None, None] + beta[None, :, None, None]
assert_close_naming_mistakes(out, expected, "instance_norm vs torch, x (2, 3, 6, 5)", {
    "instance_norm used the unbiased variance (divided by H*W - 1): normalize with the biased one, "
    "mean((x - mean)**2) over H and W": unbiased,
    "instance_norm divided by one spread for the whole batch: take the variance of each example and channel "
    "over H and W, as the mean (axis=(2, 3))": one_spread})
# Instance norm undoes a brightness/contrast change of each image and channel (up to eps): the
# distribution shift of section 2, removed.
scale, shift = rng.uniform(2, 4, (2, 3, 1, 1)), rng.uniform(-1, 1, (2, 3, 1, 1))
with numpy_only("instance_norm"):
    out_shifted = instance_norm(scale * x + shift, gamma=gamma, beta=beta)
assert_close(out_shifted, out, "instance_norm(a * x + b) vs instance_norm(x) for per-image, per-channel "
             "a > 0 and b", atol=1e-4)
print("instance_norm matches F.instance_norm, and ignores per-image contrast and brightness.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(61008)
for trial in range(10):
    N, C, H, W = rng.integers(1, 4), rng.integers(1, 5), rng.integers(1, 6), rng.integers(2, 6)
    x = rng.standard_normal((N, C, H, W)) * rng.uniform(0.2, 4) + rng.uniform(-2, 2)
    gamma, beta = rng.standard_normal(C), rng.standard_normal(C)
    eps = [1e-5, 1e-2][trial % 2]
    x_before = x.copy()
    expected = checks.call_torch(F.instance_norm, x, weight=gamma, bias=beta, eps=eps)
    with checks.numpy_only("instance_norm"):
        out = instance_norm(x, gamma=gamma, beta=beta, eps=eps)
    checks.assert_close(out, expected, f"instance_norm with x {x.shape}, eps {eps}")
    checks.assert_close(x, x_before, "x after instance_norm: the input must not be modified")
### END HIDDEN TESTS

# %% tests="test_group_norm" points=2
import numpy as np
import torch.nn.functional as F
from cs_utils.checks import assert_close_naming_mistakes, call_torch, inputs_left_unchanged, numpy_only

rng = np.random.default_rng(8)
x = rng.standard_normal((2, 6, 4, 3)) * 2 + 1
gamma, beta = rng.standard_normal(6), rng.standard_normal(6)
expected, expected_one = call_torch(F.group_norm, x, 3, gamma, beta), call_torch(F.layer_norm, x, x.shape[1:])
swapped = ("group_norm took num_groups as the number of channels per group: num_groups is the number of groups, "
           "each of C // num_groups consecutive channels")
with numpy_only("group_norm"), inputs_left_unchanged("group_norm", x=x, gamma=gamma, beta=beta):
    out = group_norm(x, 3, gamma, beta)
    one_group = group_norm(x, 1, np.ones(6), np.zeros(6))
assert_close_naming_mistakes(one_group, expected_one, "group_norm with 1 group (= layer norm over (C, H, W))",
                             {swapped: call_torch(F.group_norm, x, 6)})
assert_close_naming_mistakes(out, expected, "group_norm with 3 groups of 2 consecutive channels vs torch, "
                             "x (2, 6, 4, 3)", {swapped: call_torch(F.group_norm, x, 2, gamma, beta)})
print("group_norm matches F.group_norm.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(61009)
for trial in range(12):
    groups, per_group = rng.integers(1, 5), rng.integers(1, 4)
    N, C, H, W = rng.integers(1, 4), groups * per_group, rng.integers(1, 5), rng.integers(2, 5)
    x = rng.standard_normal((N, C, H, W)) * rng.uniform(0.2, 4) + rng.uniform(-2, 2)
    gamma, beta = rng.standard_normal(C), rng.standard_normal(C)
    eps = [1e-5, 1e-2][trial % 2]
    x_before = x.copy()
    expected = checks.call_torch(F.group_norm, x, int(groups), gamma, beta, eps)
    with checks.numpy_only("group_norm"):
        out = group_norm(x, int(groups), gamma, beta, eps)
    checks.assert_close(out, expected, f"group_norm with x {x.shape}, {groups} groups, eps {eps}")
    checks.assert_close(x, x_before, "x after group_norm: the input must not be modified")
### END HIDDEN TESTS

# %% [markdown]
# ### Batch norm with tiny batches
#
# Why would anyone give up batch norm? Its statistics are estimates from the mini-batch, and a
# tiny batch gives poor estimates. The worst case is a BN layer after a fully connected layer: it
# sees only $N$ values per feature. With $N = 2$ every feature of the two examples normalizes to
# $\hat{x} = \pm 1$ (up to $\varepsilon$), whatever the inputs: only which of the two is larger
# survives, and at test time the running averages give a different function from the one that was
# trained. Group norm computes its statistics within each example and does not care about the
# batch size. Detection and segmentation networks, which fit only one or two large images per
# GPU, use group norm for exactly this reason.
#
# Below, section 5's network made smaller (4 conv layers) gets a fully connected hidden layer of
# 64 units, each conv and the hidden layer followed by the same kind of normalization: BN
# everywhere, or GN (4 groups) everywhere. Both train with batches of **2** digits, at learning
# rate 0.01.

# %% tags=["experiment"]
def make_small_batch_net(norm, seed=0, depth=4, width=16, hidden=64):
    """depth x (3x3 conv -> norm -> ReLU), then linear -> norm -> ReLU -> linear; norm is "batch" or "group"."""
    def norm_layer(channels, flat=False):
        if norm == "group":
            return nn.GroupNorm(4, channels)
        return nn.BatchNorm1d(channels) if flat else nn.BatchNorm2d(channels)

    torch.manual_seed(seed)
    layers, channels = [], 1
    for _ in range(depth):
        conv = nn.Conv2d(channels, width, 3, padding=1, bias=False)
        nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
        layers += [conv, norm_layer(width), nn.ReLU()]
        channels = width
    layers += [nn.Flatten(), nn.Linear(width * 8 * 8, hidden, bias=False), norm_layer(hidden, flat=True), nn.ReLU(),
               nn.Linear(hidden, 10)]
    return nn.Sequential(*layers)


SMALL_BATCH, SMALL_STEPS = 2, 150 if is_quick() else 600
small_batch_curves, small_batch_acc = {}, {}
for name, norm in [("batch norm", "batch"), ("group norm", "group")]:
    model = make_small_batch_net(norm, seed=SEED)
    small_batch_curves[name] = train_steps(model, x_train_t, y_train_t, lr=0.01, steps=SMALL_STEPS, seed=SEED,
                                           desc=name, batch_size=SMALL_BATCH)
    small_batch_acc[name] = accuracy(model, x_test_t, y_test_t)          # eval mode: running statistics for BN
    print(f"{name}, batches of {SMALL_BATCH}: training loss over the last 50 steps "
          f"{small_batch_curves[name][-50:].mean():.2f}, test accuracy {small_batch_acc[name]:.3f}")

fig, ax = plt.subplots(figsize=(7, 3.5))
for color, (name, curve) in zip(["C1", "C2"], small_batch_curves.items()):
    ax.plot(np.arange(25, len(curve) + 1), smooth(curve, 25), color=color, lw=2,
            label=f"{name} (test accuracy {small_batch_acc[name]:.2f})")
ax.axhline(np.log(10), color="gray", ls=":", lw=1, label="ln 10 (uniform guess)")
ax.set_xlabel("training step (loss averaged over 25 steps)")
ax.set_ylabel("training loss")
ax.set_ylim(0, 3)
ax.set_title(f"the same network with batches of {SMALL_BATCH} digits")
ax.legend(fontsize=8)
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 5. Training loss (moving average over 25 steps) of the same small ConvNet with batch norm
# (orange) and group norm (green), both trained with batches of 2 digits; the legend and the
# printed lines give each one's test accuracy. With group norm the loss falls well below the
# dotted ln 10 line and the test accuracy is far above chance. With batch norm the loss stays near
# ln 10, and the test accuracy (in eval mode, with the running statistics) is far below group
# norm's: the hidden layer's BN turns every feature into ±1 and the network learns little. Change
# `SMALL_BATCH` to 4 to see how quickly BN recovers when it has four values per feature.*

# %% [markdown]
# ## 7. Folding batch norm into the convolution: zero overhead at test time
#
# At test time BN uses fixed statistics, so it **becomes a linear operator**: per channel $f$,
#
# $$\mathrm{BN}(z)_f = \gamma_f \frac{z_f - \mu_f}{\sqrt{\sigma_f^2 + \varepsilon}} + \beta_f
#   = s_f\, z_f + (\beta_f - s_f \mu_f), \qquad s_f = \frac{\gamma_f}{\sqrt{\sigma_f^2+\varepsilon}} ,$$
#
# with $\mu$, $\sigma^2$ the running statistics. If $z = w * x + b$ is a convolution, then
# $\mathrm{BN}(z)_f = (s_f w_f) * x + s_f (b_f - \mu_f) + \beta_f$: another convolution. So a
# deployed network drops its BN layers entirely, folding each into the conv before it.
#
# Worked example, one 1×1 filter, $\varepsilon = 0$: $w = 2$, $b = 1$, $\gamma = 3$, $\beta = 0.5$,
# $\mu = 2$, $\sigma^2 = 4$. Then $s = 3/2$ and $\mathrm{BN}(2x + 1) = 1.5\,(2x + 1 - 2) + 0.5 =
# 3x - 1$: the folded weight is 3 and the folded bias −1.
#
# ### Exercise 4: `fold_batchnorm`
#
# `fold_batchnorm(w, b, gamma, beta, running_mean, running_var, eps=1e-5)` takes a convolution's
# `w` `(F, C, HH, WW)` and `b` `(F,)` (or `None`, for a conv without bias, as before BN) and the BN
# layer's `(F,)` parameters, and returns `(w_folded, b_folded)` such that
# `conv2d(x, w_folded, b_folded)` equals `batch_norm(conv2d(x, w, b), ...)` in test mode, for any
# stride and padding. `b_folded` is always an `(F,)` array. Both results have `w`'s dtype (float64
# for the float64 arrays the tests use). Do not modify the inputs.

# %% solution="fold_batchnorm"
def fold_batchnorm(w, b, gamma, beta, running_mean, running_var, eps=1e-5):
    """Fold a test-mode batch norm into the preceding convolution.

    w: (F, C, HH, WW), b: (F,) or None; gamma, beta, running_mean, running_var: (F,).
    Returns (w_folded (F, C, HH, WW), b_folded (F,)).
    """
    ### BEGIN SOLUTION
    scale = gamma / np.sqrt(running_var + eps)
    bias = np.zeros(w.shape[0]) if b is None else b
    return w * scale[:, None, None, None], (bias - running_mean) * scale + beta
    ### END SOLUTION

# %% tests="test_fold_batchnorm_worked" points=1
import numpy as np
from cs_utils.checks import assert_close, assert_close_naming_mistakes, numpy_only

with numpy_only("fold_batchnorm"):
    w_f, b_f = fold_batchnorm(np.array([[[[2.0]]]]), np.array([1.0]), np.array([3.0]), np.array([0.5]),
                              np.array([2.0]), np.array([4.0]), eps=0.0)
# Without the square root the scale is 3 / 4, and the folded weight 1.5.
assert_close_naming_mistakes(w_f, np.array([[[[3.0]]]]), "folded weight of the worked 1x1 example (expected 3)",
                             {"That is 3 / 4 * 2: the scale divided gamma by the variance; divide by the standard "
                              "deviation, gamma / sqrt(running_var + eps)": np.array([[[[1.5]]]])})
assert_close(b_f, np.array([-1.0]), "folded bias of the worked 1x1 example (expected -1)")
with numpy_only("fold_batchnorm"):
    w_f, b_f = fold_batchnorm(np.array([[[[2.0]]]]), None, np.array([3.0]), np.array([0.5]),
                              np.array([2.0]), np.array([4.0]), eps=0.0)
assert_close(b_f, np.array([-2.5]), "folded bias of the worked example with b=None (1.5 * (0 - 2) + 0.5)")
# With eps = 5: s = 3 / sqrt(4 + 5) = 1, so the folded weight is 2 and the folded bias 1 * (1 - 2) + 0.5 = -0.5.
with numpy_only("fold_batchnorm"):
    w_f, b_f = fold_batchnorm(np.array([[[[2.0]]]]), np.array([1.0]), np.array([3.0]), np.array([0.5]),
                              np.array([2.0]), np.array([4.0]), eps=5.0)
if np.allclose(np.asarray(w_f, dtype=float), 3.0):
    raise AssertionError("with eps=5 the folded weight is still 3: fold_batchnorm ignored eps. The scale is "
                         "gamma / sqrt(running_var + eps)")
assert_close(w_f, np.array([[[[2.0]]]]), "folded weight of the worked example with eps=5 (3 / sqrt(4 + 5) * 2)")
assert_close(b_f, np.array([-0.5]), "folded bias of the worked example with eps=5 (1 * (1 - 2) + 0.5)")
print("fold_batchnorm reproduces the worked example.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(61010)
for trial in range(8):
    w, b, gamma, beta, mean = rng.standard_normal(5)
    var = rng.uniform(0.1, 3)
    with checks.numpy_only("fold_batchnorm"):
        w_f, b_f = fold_batchnorm(np.array([[[[w]]]]), np.array([b]), np.array([gamma]), np.array([beta]),
                                  np.array([mean]), np.array([var]), eps=0.0)
    s = gamma / np.sqrt(var)
    checks.assert_close(w_f, np.array([[[[s * w]]]]), f"folded 1x1 weight, trial {trial}")
    checks.assert_close(b_f, np.array([s * (b - mean) + beta]), f"folded bias, trial {trial}")
### END HIDDEN TESTS

# %% tests="test_fold_batchnorm_vs_torch" points=2
# conv2d with the folded parameters equals conv2d followed by batch_norm in test mode (torch for both).
import numpy as np
import torch.nn.functional as F
from cs_utils.checks import assert_close, assert_shape, call_torch, inputs_left_unchanged, numpy_only

rng = np.random.default_rng(9)
x = rng.standard_normal((2, 3, 7, 6))
w, b = rng.standard_normal((5, 3, 3, 3)), rng.standard_normal(5)
gamma, beta = rng.standard_normal(5), rng.standard_normal(5)
mean, var = rng.standard_normal(5), rng.uniform(0.2, 3, 5)
expected = call_torch(F.batch_norm, call_torch(F.conv2d, x, w, b, padding=1), mean, var, gamma, beta, False)
with numpy_only("fold_batchnorm"), inputs_left_unchanged("fold_batchnorm", w=w, b=b, gamma=gamma, beta=beta,
                                                         running_mean=mean, running_var=var):
    w_f, b_f = fold_batchnorm(w, b, gamma, beta, mean, var)
assert_shape(w_f, w.shape, "the folded weight")
assert_close(call_torch(F.conv2d, x, w_f, b_f, padding=1), expected,
             "conv2d(x, folded) vs batch_norm(conv2d(x, w, b)) in test mode, w (5, 3, 3, 3)")
print("The folded convolution equals conv followed by test-mode BN.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(61011)
for trial in range(10):
    N, C, F_out, K = rng.integers(1, 3), rng.integers(1, 5), rng.integers(1, 5), rng.integers(1, 4)
    stride, padding = int(rng.integers(1, 3)), int(rng.integers(0, 2))
    x = rng.standard_normal((N, C, K + rng.integers(0, 5), K + rng.integers(0, 5)))
    w = rng.standard_normal((F_out, C, K, K))
    b = rng.standard_normal(F_out) if trial % 3 else None
    gamma, beta = rng.standard_normal(F_out), rng.standard_normal(F_out)
    mean, var = rng.standard_normal(F_out), rng.uniform(0.1, 3, F_out)
    eps = [1e-5, 1e-3][trial % 2]
    inputs = [w, gamma, beta, mean, var] + ([] if b is None else [b])
    before = [a.copy() for a in inputs]
    expected = checks.call_torch(F.batch_norm, checks.call_torch(F.conv2d, x, w, b, stride=stride, padding=padding),
                                 mean, var, gamma, beta, False, 0.1, eps)
    with checks.numpy_only("fold_batchnorm"):
        w_f, b_f = fold_batchnorm(w, b, gamma, beta, mean, var, eps)
    label = f"x {x.shape}, w {w.shape}, bias {'none' if b is None else 'yes'}, stride {stride}, padding {padding}"
    checks.assert_close(checks.call_torch(F.conv2d, x, np.asarray(w_f, dtype=np.float64),
                                          np.asarray(b_f, dtype=np.float64), stride=stride, padding=padding),
                        expected, f"folded conv vs conv + BN, {label}")
    for a, a_before in zip(inputs, before):
        checks.assert_close(a, a_before, f"inputs after fold_batchnorm ({label}): they must not be modified")
### END HIDDEN TESTS

# %% [markdown]
# Now fold every BN layer of the network trained in section 5 into its convolution, and check that
# the folded network (convolutions and ReLUs only) gives the same outputs and the same accuracy
# with fewer layers. It also skips one pass over every activation map per layer, but do not
# expect the printed times to show that here: on a CPU, with PyTorch running one layer at a time,
# the convolutions and the per-layer overhead dominate, and the two times are usually close. The
# saving counts where inference cost matters (phones, servers, compiled models that fuse layers).

# %% tags=["experiment"]
def fold_network(model):
    """A copy of a conv -> BN -> ReLU network with every BN folded into the conv before it."""
    def as_np(t):
        return None if t is None else t.detach().double().numpy()

    layers, modules = [], list(model)
    for i, module in enumerate(modules):
        if isinstance(module, nn.BatchNorm2d):
            continue
        if isinstance(module, nn.Conv2d) and i + 1 < len(modules) and isinstance(modules[i + 1], nn.BatchNorm2d):
            bn = modules[i + 1]
            w_f, b_f = fold_batchnorm(as_np(module.weight), as_np(module.bias), as_np(bn.weight), as_np(bn.bias),
                                      as_np(bn.running_mean), as_np(bn.running_var), bn.eps)
            conv = nn.Conv2d(module.in_channels, module.out_channels, module.kernel_size, module.stride,
                             module.padding)
            conv.weight.data, conv.bias.data = to_tensor(w_f), to_tensor(b_f)
            layers.append(conv)
        else:
            layers.append(copy.deepcopy(module))
    return nn.Sequential(*layers).eval()


bn_model.eval()
folded = fold_network(bn_model)
with torch.no_grad():
    difference = (folded(x_test_t) - bn_model(x_test_t)).abs().max().item()
    timings = {}
    for name, net in [("conv + BN", bn_model), ("folded", folded)]:
        start = time.perf_counter()
        for _ in range(20):
            net(x_test_t)
        timings[name] = (time.perf_counter() - start) / 20
print(f"layers: {len(bn_model)} with BN, {len(folded)} folded; largest output difference {difference:.1e} "
      "(float32 round-off)")
print(f"test accuracy: {accuracy(bn_model, x_test_t, y_test_t):.3f} with BN, "
      f"{accuracy(folded, x_test_t, y_test_t):.3f} folded")
print("time per forward pass of the test set: " + ", ".join(f"{k} {v * 1e3:.2f} ms" for k, v in timings.items()))

# %% [markdown]
# ## 8. Check your understanding
#
# Three short questions. Answer each by setting the variable in its cell: a letter for a choice
# question, a number for a numeric one. The test cell after each answer checks only its format;
# whether it is right is checked when you submit.
#
# **Question 1.** A convolution with a bias $b$ is followed by batch norm in training mode
# (`nn.Conv2d(..., bias=True)` then `nn.BatchNorm2d`). What does $b$ do to the BN layer's output?
#
# * (a) It shifts the output by $b$, so it is a useful second shift next to $\beta$.
# * (b) Nothing: BN subtracts the per-channel batch mean, which contains $b$, so $b$ cancels; $\beta$
#   plays its role, and the conv's bias can be switched off (`bias=False`).
# * (c) It scales the output by $b$, the same as $\gamma$.
# * (d) It increases the per-channel variance, so the output is smaller.
#
# Set `answer_bn_bias` to `"a"`, `"b"`, `"c"` or `"d"`.

# %% solution="answer_bn_bias"
# Replace the two lines below with: answer_bn_bias = <a letter in quotes>
### BEGIN SOLUTION
answer_bn_bias = "b"
### END SOLUTION

# %% tests="test_answer_bn_bias" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_bn_bias" in globals(), (
    'set answer_bn_bias in the cell above to a letter in quotes, such as "a"')
choice = checks.choice_answer(answer_bn_bias, "answer_bn_bias")
### BEGIN HIDDEN TESTS
assert choice == "b", "answer_bn_bias is not the right choice"
### END HIDDEN TESTS

# %% [markdown]
# **Question 2.** For `x` of shape $(N, C, H, W)$ and group norm with $G$ groups, which values
# does **one** mean (and one variance) average over?
#
# * (a) One channel, over all $N$ examples and all $H \times W$ positions.
# * (b) One example, over a group of $C/G$ consecutive channels and all $H \times W$ positions.
# * (c) One example, over all $C$ channels and all positions.
# * (d) One example and one channel, over all $H \times W$ positions.
#
# Set `answer_gn_axes` to `"a"`, `"b"`, `"c"` or `"d"`.

# %% solution="answer_gn_axes"
# Replace the two lines below with: answer_gn_axes = <a letter in quotes>
### BEGIN SOLUTION
answer_gn_axes = "b"
### END SOLUTION

# %% tests="test_answer_gn_axes" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_gn_axes" in globals(), (
    'set answer_gn_axes in the cell above to a letter in quotes, such as "a"')
choice = checks.choice_answer(answer_gn_axes, "answer_gn_axes")
### BEGIN HIDDEN TESTS
assert choice == "b", "answer_gn_axes is not the right choice"
### END HIDDEN TESTS

# %% [markdown]
# **Question 3.** A batch of activations has shape $(2, 32, 7, 7)$ and goes through group norm with
# $G = 8$ groups. How many values enter each group-norm mean? (Compare: batch norm would average
# $2 \cdot 7 \cdot 7 = 98$ values per channel, and that number shrinks with the batch size.)
#
# Set `answer_gn_count` to a number.

# %% solution="answer_gn_count"
# Replace the two lines below with: answer_gn_count = <a number>
### BEGIN SOLUTION
answer_gn_count = 196
### END SOLUTION

# %% tests="test_answer_gn_count" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_gn_count" in globals(), "set answer_gn_count in the cell above to a number"
value = checks.number_answer(answer_gn_count, "answer_gn_count")
### BEGIN HIDDEN TESTS
assert 32 // 8 * 7 * 7 - 1e-6 < value < 32 // 8 * 7 * 7 + 1e-6, "answer_gn_count is not the right count"
### END HIDDEN TESTS

# %% [markdown]
# ## Summary
#
# * Normalize inputs per channel to zero mean and unit variance, with statistics of the training
#   set only. Models are vulnerable to distribution shift: a brightness or contrast change of the
#   same digits was enough to break a ConvNet.
# * Inside a network, every update shifts the distribution of the next layer's input (internal
#   covariate shift). Batch norm normalizes each feature over the mini-batch and learns a scale
#   $\gamma$ and shift $\beta$.
# * BN keeps running averages (PyTorch: `(1 − momentum)·old + momentum·new`, unbiased variance) and
#   uses them at test time. Spatial BN computes one mean and variance per channel over N, H and W.
# * BN let the deep ConvNet train at a learning rate where the plain one died. Forgetting
#   `model.eval()` makes predictions depend on the batch and corrupts the running statistics.
# * The backward pass follows from the computational graph, one small step at a time; the mean and
#   the variance add two terms that a naive gradient forgets.
# * Layer, instance and group norm normalize each example on its own (over C·H·W, H·W, and groups
#   of channels), and behave the same in training and test. With batches of two, the BN network's
#   loss stayed near the uniform guess (ln 10), while the same network with group norm kept
#   learning and reached a test accuracy far above chance.
# * At test time BN is linear and folds into the preceding convolution: zero overhead.
#
# **Next:** notebook 07 covers the other training technique of the lecture, dropout.
