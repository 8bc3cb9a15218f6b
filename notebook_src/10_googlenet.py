# %% [markdown]
# # 10 · GoogLeNet and the Inception module
#
# **Week 7: Convolutional Neural Networks, notebook 10 of 12.**
#
# VGG (notebook 09) went deeper by stacking more of the same 3×3 convolutions, and paid for it:
# 138 million parameters and about 15 billion multiply-adds per image. GoogLeNet (Szegedy et al.,
# 2014), the ILSVRC 2014 classification winner with 6.7% top-5 error, went deeper *and* cheaper:
# 22 layers with weights, only about 5 million parameters (12× fewer than AlexNet, 27× fewer than
# VGG-16) and no large fully connected layers. Its building block is the **Inception module**, a
# small "network within a network" that is stacked on top of itself.
#
# **Learning goals**
# 1. Count the multiplications of a naive Inception module and of one with 1×1 "bottleneck"
#    convolutions, and explain why the bottlenecks save most of the work
#    (`naive_inception_ops`, `inception_ops`).
# 2. Build the Inception module in PyTorch (`Inception`): four parallel branches whose outputs are
#    concatenated along the channel axis, with the spatial size preserved.
# 3. Describe the full network: the stem, the stacked Inception modules, global average pooling
#    instead of fully connected layers, and where its parameters go; build Network in Network's
#    mlpconv block (`mlpconv`), where 1×1 convolutions and global average pooling come from.
# 4. Add auxiliary classifiers that help training but are switched off at test time
#    (`MiniGoogLeNet.forward`), and train a mini-GoogLeNet.
#
# **How this notebook works.** Run the cells in order. Write your code where it says
# `YOUR CODE HERE` and delete the `raise NotImplementedError()` line. The test cell after an
# exercise checks your answer at once and says what is wrong. When you submit, hidden tests also
# try random channel counts and input sizes, so make your code correct in general, not only for
# the visible examples. The exercises are independent: the tests of one never use your answer to
# another.

# %%
# Setup: imports, seeding, and which mode and data this run uses.
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from cs_utils.data import describe_dataset
from cs_utils.runtime import describe_run, is_quick, reset_seed, training_device

SEED = 0
reset_seed(SEED)
if is_quick():
    describe_run("MNIST subset (real digits as 3x32x32 tensors) for training; random tensors for shapes", SEED)
    print(describe_dataset("mnist5k"))
else:
    describe_run("CIFAR-10 for training; random tensors for shapes", SEED)
    print(describe_dataset("cifar10"))
if is_quick():
    # quick mode runs beside other notebooks (make test): one thread each avoids oversubscription
    torch.set_num_threads(1)
device = training_device()  # full mode stops here without a GPU (CS_ALLOW_CPU=1 to train on the CPU anyway)
print(f"device: {device} | torch {torch.__version__} | CPU threads: {torch.get_num_threads()}")


def count_params(model):
    """Number of learnable parameters of a module."""
    return sum(p.numel() for p in model.parameters())

# %% [markdown]
# ## 1. The idea: apply several filter sizes in parallel
#
# Which filter size should a layer use, 1×1, 3×3 or 5×5? Or should it pool? The Inception module
# does not choose: it applies all of them **in parallel** to the same input and stacks their
# outputs depth-wise. Every branch pads so that it keeps the input's height and width, so the
# outputs can be concatenated along the channel axis.
#
# CS231n's GoogLeNet slides (which our lecture's case studies follow) work an example of a **naive**
# Inception module. It takes a 28×28×256 input and runs
#
# * a 1×1 convolution with 128 filters → 28×28×128,
# * a 3×3 convolution with 192 filters (padding 1) → 28×28×192,
# * a 5×5 convolution with 96 filters (padding 2) → 28×28×96,
# * a 3×3 max pool with stride 1 and padding 1 → 28×28×256 (pooling keeps the depth).
#
# Concatenated: 28×28×(128 + 192 + 96 + 256) = 28×28×672. Two problems appear at once. The pooling
# branch passes the full input depth through, so the depth can only grow from module to module.
# And the convolutions are expensive. A k×k convolution from C_in to C_out channels that keeps an
# H×W output does
#
# $$H \cdot W \cdot C_{\text{out}} \cdot k \cdot k \cdot C_{\text{in}}$$
#
# multiplications (one k·k·C_in dot product per output number). For the naive module:
#
# | branch | multiplications |
# |---|---|
# | 1×1 conv, 128 | 28·28·128·1·1·256 = 25,690,112 |
# | 3×3 conv, 192 | 28·28·192·3·3·256 = 346,816,512 |
# | 5×5 conv, 96 | 28·28·96·5·5·256 = 481,689,600 |
# | **total** | **854,196,224 ≈ 854M** |
#
# (Pooling does comparisons, not multiplications; like those slides, we count only the
# convolutions' multiplications, and not the biases.)

# %% [markdown]
# ## 2. The 1×1 bottleneck
#
# Notebook 02 showed that a 1×1 convolution is a dot product across the depth at each position: it
# keeps H×W and changes the number of channels. GoogLeNet puts 1×1 convolutions with few filters
# **before** the expensive 3×3 and 5×5 convolutions, and **after** the pooling, to shrink the
# depth first. CS231n's module with bottlenecks, on the same 28×28×256 input:
#
# | layer | multiplications |
# |---|---|
# | 1×1 conv, 128 (branch 1) | 28·28·128·1·1·256 = 25,690,112 |
# | 1×1 conv, 64 (reduces before the 3×3) | 28·28·64·1·1·256 = 12,845,056 |
# | 3×3 conv, 192 on 64 channels | 28·28·192·3·3·64 = 86,704,128 |
# | 1×1 conv, 64 (reduces before the 5×5) | 28·28·64·1·1·256 = 12,845,056 |
# | 5×5 conv, 96 on 64 channels | 28·28·96·5·5·64 = 120,422,400 |
# | 1×1 conv, 64 after the 3×3 max pool | 28·28·64·1·1·256 = 12,845,056 |
# | **total** | **271,351,808 ≈ 271M** |
#
# The output is 28×28×(128 + 192 + 96 + 64) = 28×28×480, smaller than the naive 672 channels, for
# about a third of the work. *A note on the slide:* it prints "Total: 358M ops" under this same
# list of six layers. Adding the six terms gives 271M; 358M is what you get when the 3×3
# convolution's 86.7M is counted twice (271.4M + 86.7M = 358.1M). Either way the bottlenecks save
# most of the work: 854M → 271M is 3.1× fewer multiplications (2.4× with the slide's figure).
#
# In the code, a module is described by the seven numbers of torchvision's `Inception` class:
# `in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj`, where `ch3x3red` and
# `ch5x5red` are the widths of the 1×1 reductions and `pool_proj` the width of the 1×1
# convolution after the pool. CS231n's module is `(256, 128, 64, 192, 64, 96, 64)`.

# %% [markdown]
# ### Exercise 1a: `naive_inception_ops`
#
# Return the number of multiplications of the naive module's convolutions on an
# `height × width × in_channels` input: the 1×1, 3×3 and 5×5 convolutions applied straight to the
# input, each keeping the spatial size. The pooling branch has no convolution and costs 0. Return
# a Python `int`.

# %% solution="naive_inception_ops"
def naive_inception_ops(height, width, in_channels, ch1x1, ch3x3, ch5x5):
    """Multiplications of a naive Inception module's convolutions (biases, ReLU and pooling not counted).

    Branches: 1x1 conv (in_channels -> ch1x1), 3x3 conv (in_channels -> ch3x3), 5x5 conv
    (in_channels -> ch5x5), 3x3 max pool (no multiplications). Every conv keeps height x width.
    A k x k conv from c_in to c_out channels costs height * width * c_out * k * k * c_in.
    Returns an int.
    """
    ### BEGIN SOLUTION
    positions = height * width
    return int(positions * in_channels * (ch1x1 * 1 * 1 + ch3x3 * 3 * 3 + ch5x5 * 5 * 5))
    ### END SOLUTION

# %% tests="test_naive_inception_ops" points=1
# CS231n's naive module (worked out in section 1), then torch's own FLOP counter.
import numpy as np
import torch
import torch.nn as nn
from torch.utils.flop_counter import FlopCounterMode

ops = naive_inception_ops(28, 28, 256, 128, 192, 96)
assert isinstance(ops, (int, np.integer)), f"naive_inception_ops should return an int, got {type(ops).__name__}"
if ops == 2 * 854_196_224:
    raise AssertionError("naive_inception_ops(28, 28, 256, 128, 192, 96) = 1,708,392,448, twice CS231n's 854,196,224 "
                         "multiplications: count each multiply-add once, not as 2 FLOPs")
assert ops == 854_196_224, (f"naive_inception_ops(28, 28, 256, 128, 192, 96) = {ops:,}; CS231n's naive module "
                            f"does 25,690,112 + 346,816,512 + 481,689,600 = 854,196,224 multiplications")


def counted_multiplications(convs_and_inputs):
    """Multiplications of some convolutions, counted by torch.utils.flop_counter (which counts 2 per multiply-add)."""
    with FlopCounterMode(display=False) as counter:
        for conv, shape in convs_and_inputs:
            conv.to("meta")(torch.empty(shape, device="meta"))
    return counter.get_total_flops() // 2


h, w, c = 7, 5, 3
expected = counted_multiplications([(nn.Conv2d(c, 4, 1, bias=False), (1, c, h, w)),
                                    (nn.Conv2d(c, 6, 3, padding=1, bias=False), (1, c, h, w)),
                                    (nn.Conv2d(c, 2, 5, padding=2, bias=False), (1, c, h, w))])
got = naive_inception_ops(h, w, c, 4, 6, 2)
assert got == expected, f"naive_inception_ops(7, 5, 3, 4, 6, 2) = {got:,}, torch's FLOP counter says {expected:,}"
print("naive_inception_ops matches CS231n's 854M and torch's FLOP counter.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(1001)
for trial in range(8):
    h, w = (int(v) for v in rng.integers(1, 40, size=2))
    c, c1, c3, c5 = (int(v) for v in rng.integers(1, 300, size=4))
    expected = counted_multiplications([(nn.Conv2d(c, c1, 1, bias=False), (1, c, h, w)),
                                        (nn.Conv2d(c, c3, 3, padding=1, bias=False), (1, c, h, w)),
                                        (nn.Conv2d(c, c5, 5, padding=2, bias=False), (1, c, h, w))])
    got = naive_inception_ops(h, w, c, c1, c3, c5)
    assert int(got) == expected, f"naive_inception_ops{(h, w, c, c1, c3, c5)} = {got}, expected {expected}"
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 1b: `inception_ops`
#
# Now the module with bottlenecks. Count the multiplications of **all six** convolutions: the 1×1
# branch, the 1×1 reduction and the 3×3 convolution on its output, the 1×1 reduction and the 5×5
# convolution on its output, and the 1×1 projection after the pool. Every convolution keeps
# `height × width`. The table in section 2 is the worked example. Return a Python `int`.

# %% solution="inception_ops"
def inception_ops(height, width, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
    """Multiplications of an Inception module with 1x1 bottlenecks (biases, ReLU and pooling not counted).

    Convolutions, each keeping height x width: 1x1 (in_channels -> ch1x1); 1x1 (in_channels ->
    ch3x3red) then 3x3 (ch3x3red -> ch3x3); 1x1 (in_channels -> ch5x5red) then 5x5 (ch5x5red ->
    ch5x5); after the 3x3 max pool, 1x1 (in_channels -> pool_proj).
    A k x k conv from c_in to c_out channels costs height * width * c_out * k * k * c_in.
    Returns an int.
    """
    ### BEGIN SOLUTION
    def conv(c_in, c_out, k):
        return height * width * c_out * k * k * c_in

    return int(conv(in_channels, ch1x1, 1)
               + conv(in_channels, ch3x3red, 1) + conv(ch3x3red, ch3x3, 3)
               + conv(in_channels, ch5x5red, 1) + conv(ch5x5red, ch5x5, 5)
               + conv(in_channels, pool_proj, 1))
    ### END SOLUTION

# %% tests="test_inception_ops_lecture" points=1
# CS231n's module with bottlenecks: the six terms of the table in section 2.
import numpy as np

ops = inception_ops(28, 28, 256, 128, 64, 192, 64, 96, 64)
assert isinstance(ops, (int, np.integer)), f"inception_ops should return an int, got {type(ops).__name__}"
without_reductions = 25_690_112 + 86_704_128 + 120_422_400 + 12_845_056
if ops == without_reductions:
    raise AssertionError("inception_ops forgot the 1x1 reductions before the 3x3 and 5x5 convolutions: they "
                         "cost 28*28*64*256 = 12,845,056 multiplications each")
if ops == 2 * 271_351_808:
    raise AssertionError("inception_ops(28, 28, 256, 128, 64, 192, 64, 96, 64) = 542,703,616, twice the 271,351,808 "
                         "multiplications of the table in section 2: count each multiply-add once, not as 2 FLOPs")
assert ops == 271_351_808, (f"inception_ops(28, 28, 256, 128, 64, 192, 64, 96, 64) = {ops:,}; the six convolutions "
                            f"of the table in section 2 add up to 271,351,808")
saved = 854_196_224 - ops
print(f"the bottlenecks save {saved:,} of 854,196,224 multiplications ({854_196_224 / ops:.2f}x fewer)")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
# GoogLeNet's inception (3a) on 28x28x192: 64, 96->128, 16->32, pool->32, worked out independently.
expected_3a = 28 * 28 * (192 * 64 + 192 * 96 + 96 * 128 * 9 + 192 * 16 + 16 * 32 * 25 + 192 * 32)
assert int(inception_ops(28, 28, 192, 64, 96, 128, 16, 32, 32)) == expected_3a, "inception_ops on GoogLeNet's (3a)"
### END HIDDEN TESTS

# %% tests="test_inception_ops_counter" points=2
# Compare with torch's FLOP counter on convolutions built to the contract.
import numpy as np
import torch
import torch.nn as nn
from torch.utils.flop_counter import FlopCounterMode


def bottleneck_reference(h, w, c, c1, c3r, c3, c5r, c5, pp):
    """The six convolutions of an Inception module, counted by torch.utils.flop_counter (2 FLOPs per multiply-add)."""
    layers = [(nn.Conv2d(c, c1, 1, bias=False), c), (nn.Conv2d(c, c3r, 1, bias=False), c),
              (nn.Conv2d(c3r, c3, 3, padding=1, bias=False), c3r), (nn.Conv2d(c, c5r, 1, bias=False), c),
              (nn.Conv2d(c5r, c5, 5, padding=2, bias=False), c5r), (nn.Conv2d(c, pp, 1, bias=False), c)]
    with FlopCounterMode(display=False) as counter:
        for conv, c_in in layers:
            conv.to("meta")(torch.empty(1, c_in, h, w, device="meta"))
    return counter.get_total_flops() // 2


args = (9, 6, 5, 3, 2, 7, 4, 6, 8)
got = inception_ops(*args)
expected = bottleneck_reference(*args)
if got == 2 * expected:
    raise AssertionError(f"inception_ops{args} = {got:,}, twice the {expected:,} multiplications: that is FLOPs, "
                         f"2 per multiply-add (torch's FLOP counter reports {2 * expected:,}); count each "
                         "multiply-add once, height * width * c_out * k * k * c_in per convolution")
assert got == expected, (f"inception_ops{args} = {got:,}, expected {expected:,} multiplications (torch's FLOP counter "
                         f"reports {2 * expected:,} FLOPs, 2 per multiply-add)")
print("inception_ops agrees with torch's FLOP counter.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(1002)
for trial in range(10):
    h, w = (int(v) for v in rng.integers(1, 30, size=2))
    channels = tuple(int(v) for v in rng.integers(1, 200, size=7))
    got = inception_ops(h, w, *channels)
    expected = bottleneck_reference(h, w, *channels)
    assert int(got) == expected, f"inception_ops{(h, w) + channels} = {got}, expected {expected}"
### END HIDDEN TESTS

# %% [markdown]
# The counts grow with the *product* of input and output depths, so a 1×1 layer that cuts the depth
# from 256 to 64 makes the 3×3 and 5×5 convolutions after it four times cheaper, while costing
# little itself. The next cell shows where the multiplications go in both versions of
# CS231n's module.

# %% tags=["experiment"]
terms_naive = {"1x1 128": 28 * 28 * 128 * 256, "3x3 192": 28 * 28 * 192 * 9 * 256,
               "5x5 96": 28 * 28 * 96 * 25 * 256}
terms_bottleneck = {"1x1 128": 28 * 28 * 128 * 256, "1x1 64 (red.)": 28 * 28 * 64 * 256,
                    "3x3 192": 28 * 28 * 192 * 9 * 64, "1x1 64 (red.)\u200b": 28 * 28 * 64 * 256,
                    "5x5 96": 28 * 28 * 96 * 25 * 64, "1x1 64 (pool)": 28 * 28 * 64 * 256}
# one colour per kind of convolution, the same in both bars
colors = {"1x1 128": "tab:blue", "3x3 192": "tab:orange", "5x5 96": "tab:green", "1x1 64 (red.)": "tab:gray",
          "1x1 64 (red.)\u200b": "tab:gray", "1x1 64 (pool)": "tab:purple"}
legend_names = {"1x1 128": "1x1 conv, 128 (branch 1)", "3x3 192": "3x3 conv, 192", "5x5 96": "5x5 conv, 96",
                "1x1 64 (red.)": "1x1 reduction, 64 (before the 3x3 and before the 5x5)",
                "1x1 64 (pool)": "1x1 projection, 64 (after the pool)"}
fig, ax = plt.subplots(figsize=(7.5, 3.6))
for row, (label, terms) in enumerate([("naive", terms_naive), ("bottleneck", terms_bottleneck)]):
    left = 0
    for name, value in terms.items():
        ax.barh(row, value / 1e6, left=left, color=colors[name], edgecolor="white",
                label=legend_names.get(name) if row == 1 else None)
        if value > 6e7:
            ax.text(left + value / 2e6, row, name, ha="center", va="center", fontsize=8, color="white")
        left += value / 1e6
    ax.text(left + 10, row, f"{left:.0f}M", va="center")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2, fontsize=8)
ax.set_yticks([0, 1], ["naive", "with 1x1 bottlenecks"])
ax.set_xlabel("multiplications (millions)")
ax.set_xlim(0, 1000)
ax.set_title("CS231n's Inception module on a 28x28x256 input")
fig.tight_layout()
plt.show()
print(f"naive: {naive_inception_ops(28, 28, 256, 128, 192, 96):,}  "
      f"bottleneck: {inception_ops(28, 28, 256, 128, 64, 192, 64, 96, 64):,}")

# %% [markdown]
# *Figure 1. Multiplications per convolution for the naive module (bottom bar) and the module with
# 1×1 bottlenecks (top bar); each colour is one kind of convolution, the same in both bars (legend),
# and the two 1×1 reductions (grey) are drawn as two segments. The 5×5 and 3×3 convolutions dominate
# both; the reductions cut them by 4× (256 → 64 input channels) at a small cost of their own.*
#
# ## 3. The Inception module in PyTorch
#
# Like torchvision, we follow every convolution by batch normalization and a ReLU (the 2014 paper
# predates BatchNorm; torchvision's GoogLeNet and its successor Inception-v2 added it). The next
# cell gives you that building brick, `conv_bn_relu`; use it for all six convolutions of the module.

# %%
def conv_bn_relu(in_channels, out_channels, kernel_size, stride=1, padding=0):
    """Conv2d (no bias: BatchNorm's shift replaces it) -> BatchNorm2d -> ReLU, as torchvision's BasicConv2d."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


brick = conv_bn_relu(256, 64, 1)
print(brick)
print(f"parameters: {count_params(brick):,} = 64*256 weights + 64 BN scales + 64 BN shifts")

# %% [markdown]
# ### Exercise 2: `Inception`
#
# Write the module with four parallel branches, each built from `conv_bn_relu`:
#
# 1. 1×1 convolution, `in_channels → ch1x1`;
# 2. 1×1 convolution `in_channels → ch3x3red`, then 3×3 convolution (padding 1) `ch3x3red → ch3x3`;
# 3. 1×1 convolution `in_channels → ch5x5red`, then 5×5 convolution (padding 2) `ch5x5red → ch5x5`;
# 4. 3×3 max pool with stride 1 and padding 1, then 1×1 convolution `in_channels → pool_proj`.
#
# `forward(x)` takes `(N, in_channels, H, W)` and returns the four outputs **concatenated along the
# channel axis, in this order**: `(N, ch1x1 + ch3x3 + ch5x5 + pool_proj, H, W)`. The tests compare
# your parameter count with torchvision's `Inception` (which, by a bug kept for its released
# weights, uses a 3×3 kernel in its "5×5" branch) and check which input positions each block of
# output channels can see.

# %% solution="inception"
class Inception(nn.Module):
    """GoogLeNet's Inception module: four parallel branches concatenated along the channel axis.

    Input (N, in_channels, H, W) -> output (N, ch1x1 + ch3x3 + ch5x5 + pool_proj, H, W).
    """

    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        ### BEGIN SOLUTION
        self.branch1 = conv_bn_relu(in_channels, ch1x1, 1)
        self.branch2 = nn.Sequential(conv_bn_relu(in_channels, ch3x3red, 1),
                                     conv_bn_relu(ch3x3red, ch3x3, 3, padding=1))
        self.branch3 = nn.Sequential(conv_bn_relu(in_channels, ch5x5red, 1),
                                     conv_bn_relu(ch5x5red, ch5x5, 5, padding=2))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1),
                                     conv_bn_relu(in_channels, pool_proj, 1))
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        branches = [self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)]
        return torch.cat(branches, dim=1)
        ### END SOLUTION

# %% tests="test_inception_shape" points=1
# Output shapes: CS231n's module, and GoogLeNet's inception (3a) on its 28x28x192 input.
import numpy as np
import torch
from cs_utils.checks import assert_shape

CHANNEL_AXIS = ("join the branches along the channels, torch.cat(branches, dim=1); torch.cat's default, dim=0, "
                "stacks them along the batch, which fails when the branches differ in width")
SAME_SIZE = ("the branches' outputs differ in height or width, so they cannot be joined: every branch keeps H and W "
             "(3x3 conv with padding 1, 5x5 with padding 2, and the pool branch's 3x3 max pool with stride=1 and "
             "padding=1: nn.MaxPool2d's stride defaults to its kernel size)")


def inception_output(module, x, label):
    """module(x) without gradients; a torch.cat along the batch fails with the cause named."""
    try:
        with torch.no_grad():
            out = module(x)
    except RuntimeError as err:
        if "except in dimension 0" in str(err):  # torch.cat(branches) with branches of unequal widths
            raise AssertionError(f"{label} raised RuntimeError ({err}): {CHANNEL_AXIS}") from None
        if "except in dimension 1" in str(err):  # torch.cat(branches, dim=1) with unequal spatial sizes
            raise AssertionError(f"{label} raised RuntimeError ({err}): {SAME_SIZE}") from None
        raise
    return out


torch.manual_seed(0)
label = "Inception(256, 128, 64, 192, 64, 96, 64) on x (2, 256, 28, 28)"
out = inception_output(Inception(256, 128, 64, 192, 64, 96, 64), torch.randn(2, 256, 28, 28), label)
assert_shape(out, (2, 480, 28, 28), f"{label} (CS231n's module: 128 + 192 + 96 + 64 = 480 channels, 28x28 kept)")
label = "Inception(192, 64, 96, 128, 16, 32, 32) (GoogLeNet's 3a) on x (1, 192, 12, 9)"
out = inception_output(Inception(192, 64, 96, 128, 16, 32, 32), torch.randn(1, 192, 12, 9), label)
assert_shape(out, (1, 256, 12, 9), label)
print("Inception concatenates its branches along the channels and keeps the spatial size.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(2001)
for trial in range(8):
    cin, c1, c3r, c3, c5r, c5, pp = (int(v) for v in rng.integers(1, 9, size=7))
    n, h, w = int(rng.integers(1, 4)), int(rng.integers(1, 11)), int(rng.integers(1, 11))
    module = Inception(cin, c1, c3r, c3, c5r, c5, pp).double()
    x = torch.randn(n, cin, h, w, dtype=torch.float64)
    x_before = x.clone()
    for mode in ("train", "eval"):
        module.train(mode == "train")
        with torch.no_grad():
            out = module(x)
        checks.assert_shape(out, (n, c1 + c3 + c5 + pp, h, w),
                            f"Inception{(cin, c1, c3r, c3, c5r, c5, pp)} in {mode} mode on x {tuple(x.shape)}")
    checks.assert_close(x, x_before, "x after Inception's forward pass: the input must not be modified")
### END HIDDEN TESTS

# %% tests="test_inception_params" points=1
# Parameter count: torchvision's Inception plus the difference between a 5x5 and a 3x3 kernel in branch 3.
import numpy as np
from torchvision.models.googlenet import Inception as TorchvisionInception


def expected_inception_params(cin, c1, c3r, c3, c5r, c5, pp):
    reference = TorchvisionInception(cin, c1, c3r, c3, c5r, c5, pp)
    return sum(p.numel() for p in reference.parameters()) + (25 - 9) * c5r * c5


config = (192, 64, 96, 128, 16, 32, 32)
got = sum(p.numel() for p in Inception(*config).parameters())
expected = expected_inception_params(*config)
assert got == expected, (f"Inception{config} has {got:,} parameters, expected {expected:,}: six conv_bn_relu bricks "
                         f"(1x1, 1x1 -> 3x3, 1x1 -> 5x5, pool -> 1x1), each k*k*c_in*c_out weights + 2*c_out BN")
print(f"Inception{config} has {got:,} parameters, as expected.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(2002)
for trial in range(6):
    config = tuple(int(v) for v in rng.integers(1, 40, size=7))
    n_params = sum(param.numel() for param in Inception(*config).parameters())
    assert n_params == expected_inception_params(*config), f"Inception{config} has {n_params} parameters"
### END HIDDEN TESTS

# %% tests="test_inception_branches" points=2
# Which input pixels each block of output channels sees. With positive weights every ReLU stays open,
# so a change at one input pixel reaches exactly a (2r+1)x(2r+1) window of each branch's output:
# r = 0 for the 1x1 branch, 1 for 1x1 -> 3x3, 2 for 1x1 -> 5x5, 1 for the 3x3 pool -> 1x1.
# Then the values, with mixed-sign weights: every branch recomputed from the module's own layers.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def open_all_relus(module):
    """Positive weights, BatchNorm in eval mode with its initial statistics: every ReLU passes its input."""
    module = module.double().eval()
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(0.1 + torch.rand_like(p))
    return module


def check_branches(config, h, w, seed):
    cin, c1, c3r, c3, c5r, c5, pp = config
    module = open_all_relus(Inception(*config))
    gen = torch.Generator().manual_seed(seed)
    x = 0.1 + torch.rand(1, cin, h, w, generator=gen, dtype=torch.float64)
    i, j = h // 2, w // 2
    bumped = x.clone()
    bumped[0, :, i, j] += 10.0
    try:
        with torch.no_grad():
            changed = (module(bumped) - module(x)).abs()[0] > 1e-12
    except RuntimeError as err:
        if "except in dimension 1" not in str(err):
            raise
        raise AssertionError(f"Inception{config} on x {tuple(x.shape)} raised RuntimeError ({err}): the branches' "
                             "outputs differ in height or width, so they cannot be joined. Every branch keeps H and "
                             "W: 3x3 conv with padding 1, 5x5 with padding 2, and the pool branch's 3x3 max pool "
                             "with stride=1 and padding=1 (nn.MaxPool2d's stride defaults to its kernel "
                             "size)") from None
    assert changed.shape == (c1 + c3 + c5 + pp, h, w), f"Inception{config} output shape {tuple(changed.shape)}"
    rows, cols = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
    distance = torch.maximum((rows - i).abs(), (cols - j).abs())
    start = 0
    for name, size, reach in [("1x1", c1, 0), ("1x1 -> 3x3", c3, 1), ("1x1 -> 5x5", c5, 2), ("pool -> 1x1", pp, 1)]:
        block = changed[start:start + size]
        expected = (distance <= reach).expand_as(block)
        if not torch.equal(block, expected):
            seen = int(distance[block.any(0)].max()) if block.any() else None
            raise AssertionError(
                f"Inception{config}: output channels {start}..{start + size - 1} should be the {name} branch, whose "
                f"outputs change within {reach} pixel(s) of a changed input pixel; here the farthest change is at "
                f"{seen} pixel(s) (channels in the order 1x1, 3x3, 5x5, pool; kernel sizes and paddings as given)")
        start += size
    # Max pool, not average pool: lowering a pixel that is the minimum of every window changes nothing.
    low, lower = x.clone(), x.clone()
    low[0, :, i, j], lower[0, :, i, j] = 0.0, -5.0
    with torch.no_grad():
        pool_change = (module(low) - module(lower))[0, c1 + c3 + c5:].abs().max().item()
    assert pool_change < 1e-12, (f"Inception{config}: the pool branch changed when a pixel below every other value "
                                 f"was lowered further: use a 3x3 *max* pool (stride 1, padding 1)")
    check_pool_first(config, h, w, seed)


def check_pool_first(config, h, w, seed):
    """Max pool, then the 1x1 projection: lowering ONE input channel at a pixel below its neighbours changes no
    window's maximum, so the pool branch must not move. The check above lowers every channel at once, and with
    positive weights projecting first and pooling after gives the same outputs; with the module's own mixed-sign
    weights, a projection before the pool turns the lowered value into a large output of some channel, which the
    pool then spreads."""
    cin, c1, c3r, c3, c5r, c5, pp = config
    torch.manual_seed(seed)
    module = Inception(*config).double().eval()
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(1, cin, h, w, generator=gen, dtype=torch.float64)
    i, j = h // 2, w // 2
    first = c1 + c3 + c5
    for channel in range(cin):
        low, lower = x.clone(), x.clone()
        low[0, channel, i, j] = x.min() - 1.0
        lower[0, channel, i, j] = x.min() - 1000.0
        with torch.no_grad():
            change = (module(low) - module(lower))[0, first:].abs().max().item()
        assert change < 1e-9, (
            f"Inception{config} in eval mode: the pool branch (output channels {first}..{first + pp - 1}) changed "
            f"when only input channel {channel} was lowered at one pixel where it is below all its neighbours, "
            f"which changes no 3x3 max of that channel. Pool first, then project: 3x3 max pool (stride 1, "
            f"padding 1) on the input, then the 1x1 conv_bn_relu (a 1x1 convolution before the pool mixes the "
            f"channels, and the pool then picks up the change)")


def inception_reference(module, x, config):
    """The four branches in torch.nn.functional, with the module's own conv and BatchNorm layers, found by
    their shapes (every channel count of config differs, so each shape belongs to one layer)."""
    cin, c1, c3r, c3, c5r, c5, pp = config
    convs = {tuple(m.weight.shape): m for m in module.modules() if isinstance(m, nn.Conv2d)}
    norms = {m.num_features: m for m in module.modules() if isinstance(m, nn.BatchNorm2d)}

    def brick(h, c_in, c_out, k):
        conv, norm = convs.get((c_out, c_in, k, k)), norms.get(c_out)
        if conv is None or norm is None:
            raise AssertionError(f"Inception{config} has no conv_bn_relu({c_in}, {c_out}, {k}): no Conv2d with weight "
                                 f"shape {(c_out, c_in, k, k)} or no BatchNorm2d({c_out}); build every branch from "
                                 "conv_bn_relu")
        h = F.conv2d(h, conv.weight, conv.bias, padding=k // 2)
        h = F.batch_norm(h, norm.running_mean, norm.running_var, norm.weight, norm.bias, False, 0.0, norm.eps)
        return F.relu(h)

    return torch.cat([brick(x, cin, c1, 1), brick(brick(x, cin, c3r, 1), c3r, c3, 3),
                      brick(brick(x, cin, c5r, 1), c5r, c5, 5), brick(F.max_pool2d(x, 3, 1, 1), cin, pp, 1)], dim=1)


def check_values(config, h, w, seed):
    """Eval mode with random BatchNorm statistics and mixed-sign weights, so that every ReLU matters."""
    torch.manual_seed(seed)
    module = Inception(*config).double().eval()
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.normal_()
                m.running_var.uniform_(0.5, 2.0)
                m.weight.normal_()
                m.bias.normal_()
    x = torch.randn(2, config[0], h, w, dtype=torch.float64)
    with torch.no_grad():
        got, want = module(x), inception_reference(module, x, config)
    names = ["1x1", "1x1 -> 3x3", "1x1 -> 5x5", "pool -> 1x1"]
    sizes = [config[1], config[3], config[5], config[6]]
    for name, got_branch, want_branch in zip(names, got.split(sizes, dim=1), want.split(sizes, dim=1)):
        if not torch.allclose(got_branch, want_branch, rtol=1e-7, atol=1e-9):
            raise AssertionError(
                f"Inception{config} in eval mode: the {name} branch's values differ from its layers applied in "
                f"order (conv -> BatchNorm -> ReLU for every convolution, the reductions included; max pool first "
                f"in the pool branch), by up to {(got_branch - want_branch).abs().max().item():.3g}")


check_branches((4, 3, 2, 5, 2, 4, 6), 9, 11, seed=0)
check_values((6, 3, 4, 5, 2, 7, 8), 7, 9, seed=0)
print("The branches are in the order 1x1, 3x3, 5x5, pool, with the right kernel sizes, and compute their layers "
      "in order.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(2003)
for trial in range(6):
    config = tuple(int(v) for v in rng.integers(1, 8, size=7))
    check_branches(config, int(rng.integers(5, 12)), int(rng.integers(5, 12)), seed=trial)
    distinct = tuple(int(v) for v in rng.choice(np.arange(1, 13), size=7, replace=False))
    check_values(distinct, int(rng.integers(3, 10)), int(rng.integers(3, 10)), seed=trial)
### END HIDDEN TESTS

# %% [markdown]
# The module's parameters follow the multiplications: a k×k convolution from C_in to C_out has
# k·k·C_in·C_out weights, independent of the image size. Check your module against CS231n's
# numbers:

# %%
example_module = Inception(256, 128, 64, 192, 64, 96, 64)
naive_weights = 256 * (128 + 192 * 9 + 96 * 25)
print(f"Inception(256, 128, 64, 192, 64, 96, 64): {count_params(example_module):,} parameters "
      f"(the naive module's conv weights: {naive_weights:,})")
with torch.no_grad():
    print("output:", tuple(example_module.eval()(torch.randn(1, 256, 28, 28)).shape))

# %% [markdown]
# ## 4. The full GoogLeNet: stem, stacked modules, global average pooling
#
# GoogLeNet stacks nine Inception modules between a **stem** and a classifier:
#
# * **Stem network** (conv–pool–2× conv–pool): 7×7 convolution with stride 2, 3×3 max pool with
#   stride 2, a 1×1 and a 3×3 convolution, another max pool. It turns the 224×224×3 image into a
#   28×28×192 volume cheaply, before the expensive modules start.
# * **Stacked Inception modules**: 3a, 3b at 28×28; max pool; 4a–4e at 14×14; max pool; 5a, 5b at
#   7×7. Downsampling happens only in the pools between the groups.
# * **Classifier**: after the last module, **global average pooling** averages each 7×7 feature map
#   to a single number, 7×7×1024 → 1×1×1024, and a single fully connected layer maps 1024 → 1000
#   classes. No stack of expensive fully connected layers as in AlexNet and VGG.
#
# The lecture counts 22 layers with weights: parallel layers count as one, so each Inception module
# is 2 layers deep, and the auxiliary classifiers are not counted. Let us count parameters in
# torchvision's implementation (no weights are downloaded: `weights=None`).

# %%
import torchvision

with torch.device("meta"):  # parameters without memory or initialization: we only count them
    googlenet_tv = torchvision.models.googlenet(weights=None, aux_logits=True, init_weights=False)
    alexnet_tv = torchvision.models.alexnet(weights=None)
vgg16_params = 138_357_544  # torchvision.models.vgg16(weights=None), counted in notebook 09
with_aux = count_params(googlenet_tv)
aux_only = count_params(googlenet_tv.aux1) + count_params(googlenet_tv.aux2)
deployed = with_aux - aux_only
alexnet_params = count_params(alexnet_tv)
print(f"GoogLeNet (torchvision), with both auxiliary heads: {with_aux:>12,}")
print(f"  the auxiliary heads alone:                        {aux_only:>12,}")
print(f"  as used at test time (no auxiliary heads):        {deployed:>12,}")
print(f"AlexNet (torchvision):                              {alexnet_params:>12,}  "
      f"-> {alexnet_params / deployed:.1f}x GoogLeNet's")
print(f"VGG-16:                                             {vgg16_params:>12,}  -> {vgg16_params / deployed:.1f}x")
print(f"rounded numbers (AlexNet 60M, VGG-16 138M, GoogLeNet 5M): 60M / 5M = {60 / 5:.0f}x, "
      f"138M / 5M = {138 / 5:.1f}x (the lecture: 12x and 27x)")

# %% [markdown]
# The lecture's "12× less params than AlexNet" and "27× less than VGG-16" compare rounded numbers:
# about 60M and 138M against GoogLeNet's "only 5 million parameters". That 5M is a round claim: the
# GoogLeNet paper's own Table 1 lists the parameters layer by layer, and they add up to about 6.8M.
# torchvision's 6.6M at test time is close to the table. Its BatchNorm layers add only about 15K
# parameters, and its "5×5" branches use 3×3 kernels (a known bug), which leaves out about 0.38M
# weights: a faithful copy would have about 7.0M. Measured, the ratios are 9.2× to AlexNet and
# 21× to VGG-16: smaller than the lecture's, but the same order of magnitude. The auxiliary heads
# hold another 6.4M, nearly as many as the whole network, because of their fully connected layers;
# they are thrown away after training.
#
# Where would an AlexNet-style classifier have put its parameters? Flattening GoogLeNet's final
# 7×7×1024 volume into two 4096-wide fully connected layers, as AlexNet and VGG do, would cost:

# %%
with torch.device("meta"):  # 226M parameters would take 0.9 GB of memory; on meta tensors we only count them
    fc_head = nn.Sequential(nn.Flatten(), nn.Linear(7 * 7 * 1024, 4096), nn.ReLU(), nn.Linear(4096, 4096),
                            nn.ReLU(), nn.Linear(4096, 1000))
gap_head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1024, 1000))
print(f"FC classifier (flatten 7x7x1024 -> 4096 -> 4096 -> 1000): {count_params(fc_head):>12,} parameters")
print(f"GAP classifier (average 7x7 -> 1024 -> 1000):              {count_params(gap_head):>12,} parameters")
features = torch.randn(2, 1024, 7, 7)
print("GAP output:", tuple(gap_head[:2](features).shape), "| on a larger 9x9 map too:",
      tuple(gap_head[:2](torch.randn(2, 1024, 9, 9)).shape))
del fc_head

# %% [markdown]
# 226 million against 1 million. Global average pooling has no parameters at all, and because it
# averages whatever spatial size it receives, the network also accepts larger input images.
#
# ### Where 1×1 convolutions and global average pooling come from: Network in Network
#
# Both ideas are older than GoogLeNet: Lin, Chen and Yan's **Network in Network** (NiN, 2013), which
# GoogLeNet's paper cites, and from which the Inception module gets its "network within a network".
# NiN makes two changes to a ConvNet:
#
# * **mlpconv layers.** A convolution is a *linear* filter followed by a ReLU. NiN replaces it by a
#   small multilayer perceptron slid over the image: a k×k convolution followed by two 1×1
#   convolutions, each with a ReLU. A 1×1 convolution is a fully connected layer applied to the
#   channel vector of each pixel separately, with the same weights at every pixel, so the three
#   layers compute a 3-layer MLP on every k×k patch: a more expressive local feature extractor.
# * **Global average pooling instead of FC layers.** The last mlpconv layer has one output channel
#   per class; averaging each channel over the image gives the class scores directly, with no fully
#   connected layer at all. Each final map is a "confidence map" of its class.
#
# NiN's CIFAR-10 network has three mlpconv blocks with 192 channels, the last ending with 10
# channels on an 8×8 map. The classifier costs:
#
# | head on the last 8×8×192 volume | parameters |
# |---|---|
# | flatten, then one FC layer to 10 classes | 8·8·192·10 + 10 = **122,890** |
# | NiN: a 1×1 convolution 192 → 10 (in the last mlpconv), then GAP | 192·10 + 10 = **1,930** |
# | AlexNet-style: flatten, FC 4096, FC 4096, FC 10 | 50,335,744 + 16,781,312 + 40,970 = **67,158,026** |
#
# The 1×1 convolution is about 64 times smaller than the single FC layer, because it shares its weights
# across the 8×8 = 64 positions; GAP then adds nothing. The next cell counts the three heads with
# PyTorch.

# %%
def n_params(module):
    return sum(p.numel() for p in module.parameters())


with torch.device("meta"):  # shapes and counts only: the 67M-parameter head would take 270 MB
    heads = {
        "flatten + FC 10": nn.Sequential(nn.Flatten(), nn.Linear(8 * 8 * 192, 10)),
        "1x1 conv 192->10 + GAP (NiN)": nn.Sequential(nn.Conv2d(192, 10, 1), nn.AdaptiveAvgPool2d(1), nn.Flatten()),
        "flatten + FC 4096, 4096, 10": nn.Sequential(nn.Flatten(), nn.Linear(8 * 8 * 192, 4096), nn.ReLU(),
                                                     nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, 10)),
    }
    volume = torch.empty(2, 192, 8, 8)
for name, head in heads.items():
    with torch.no_grad():
        scores = head(volume)
    print(f"{name:30s} {n_params(head):>12,} parameters -> scores {tuple(scores.shape)}")
fc, nin = n_params(heads["flatten + FC 10"]), n_params(heads["1x1 conv 192->10 + GAP (NiN)"])
print(f"the NiN head has {fc / nin:.1f}x fewer parameters than one FC layer")
del heads

# %% [markdown]
# ### Exercise 3: `mlpconv(in_channels, out_channels, kernel_size, stride=1, padding=0)`
#
# Return NiN's mlpconv block as an `nn.Sequential` of, in order:
#
# 1. `nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding)` and a ReLU;
# 2. `nn.Conv2d(out_channels, out_channels, 1)` and a ReLU;
# 3. `nn.Conv2d(out_channels, out_channels, 1)` and a ReLU.
#
# All three convolutions have biases (NiN predates BatchNorm). Only the first convolution has the
# kernel size, stride and padding; the 1×1 convolutions keep the spatial size. An input
# `(N, in_channels, H, W)` becomes `(N, out_channels, H', W')` with H' = (H + 2·padding −
# kernel_size) // stride + 1. The block has k·k·C_in·C_out + C_out parameters in its first
# convolution and C_out·C_out + C_out in each 1×1 convolution; for NiN's first CIFAR block,
# `mlpconv(3, 192, 5, padding=2)`: 14,592 + 37,056 + 37,056 = **88,704**.

# %% solution="mlpconv"
def mlpconv(in_channels, out_channels, kernel_size, stride=1, padding=0):
    """NiN's mlpconv: k x k conv -> ReLU -> 1x1 conv -> ReLU -> 1x1 conv -> ReLU, all with biases.

    (N, in_channels, H, W) -> (N, out_channels, (H + 2 padding - kernel_size) // stride + 1, same for W).
    """
    ### BEGIN SOLUTION
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding), nn.ReLU(inplace=True),
        nn.Conv2d(out_channels, out_channels, 1), nn.ReLU(inplace=True),
        nn.Conv2d(out_channels, out_channels, 1), nn.ReLU(inplace=True),
    )
    ### END SOLUTION

# %% tests="test_mlpconv_structure" points=1
# Shapes and parameter counts: k*k*in*out + out for the first conv, out*out + out for each 1x1 conv.
import numpy as np
import torch


def mlpconv_expected_params(cin, cout, k):
    return k * k * cin * cout + cout + 2 * (cout * cout + cout)


block = mlpconv(3, 192, 5, padding=2)
got = sum(p.numel() for p in block.parameters())
assert got == 88_704, (f"mlpconv(3, 192, 5, padding=2) has {got:,} parameters, expected 14,592 + 37,056 + 37,056 = "
                       f"88,704: a 5x5 conv and two 1x1 convs, all with biases")
with torch.no_grad():
    out = block(torch.randn(2, 3, 32, 32))
assert tuple(out.shape) == (2, 192, 32, 32), (
    f"mlpconv(3, 192, 5, padding=2) on x (2, 3, 32, 32) has shape {tuple(out.shape)}, expected (2, 192, 32, 32): only "
    "the first (5x5) conv takes stride and padding; the 1x1 convs keep the map's size (stride 1, no padding)")
with torch.no_grad():
    out = mlpconv(4, 6, 3, stride=2)(torch.randn(1, 4, 11, 9))
assert tuple(out.shape) == (1, 6, 5, 4), (f"mlpconv(4, 6, 3, stride=2) on x (1, 4, 11, 9) has shape "
                                          f"{tuple(out.shape)}, expected (1, 6, 5, 4): only the first conv strides")
print("mlpconv has the right shapes and 88,704 parameters for NiN's first block.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(5001)
for trial in range(8):
    cin, cout, k = int(rng.integers(1, 20)), int(rng.integers(1, 20)), int(rng.choice([1, 3, 5, 11]))
    stride, padding = int(rng.integers(1, 4)), int(rng.integers(0, k // 2 + 1))
    h, w = k + int(rng.integers(0, 12)), k + int(rng.integers(0, 12))
    block = mlpconv(cin, cout, k, stride=stride, padding=padding)
    got = sum(p.numel() for p in block.parameters())
    assert got == mlpconv_expected_params(cin, cout, k), f"mlpconv({cin}, {cout}, {k}) has {got} parameters"
    with torch.no_grad():
        out = block(torch.randn(1, cin, h, w))
    expected = (1, cout, (h + 2 * padding - k) // stride + 1, (w + 2 * padding - k) // stride + 1)
    checks.assert_shape(out, expected, f"mlpconv({cin}, {cout}, {k}, stride={stride}, padding={padding}) on "
                        f"x (1, {cin}, {h}, {w})")
### END HIDDEN TESTS

# %% tests="test_mlpconv_forward" points=2
# Recompute the block with torch.nn.functional from its own weights, in float64: conv -> ReLU, three times.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from cs_utils.checks import assert_close


def mlpconv_reference(block, x, stride, padding, relus=(True, True, True)):
    convs = [m for m in block.modules() if isinstance(m, nn.Conv2d)]
    assert len(convs) == 3, f"mlpconv should hold 3 Conv2d layers (k x k, 1x1, 1x1), found {len(convs)}"
    for i, (conv, relu) in enumerate(zip(convs, relus)):
        assert conv.bias is not None, f"conv {i + 1} of mlpconv has no bias"
        if i > 0:
            assert conv.kernel_size == (1, 1), f"conv {i + 1} of mlpconv should be 1x1, got {conv.kernel_size}"
        x = F.conv2d(x, conv.weight, conv.bias, stride=stride if i == 0 else 1, padding=padding if i == 0 else 0)
        x = F.relu(x) if relu else x
    return x


torch.manual_seed(5)
block = mlpconv(3, 4, 3, stride=1, padding=1).double()
x = torch.randn(2, 3, 7, 6, dtype=torch.float64)
with torch.no_grad():
    out = block(x)
    assert (out >= 0).all(), "mlpconv's output has negative values: a ReLU must follow every convolution, the last too"
    for i, missing in enumerate(("first (k x k)", "second (1x1)")):
        relus = tuple(j != i for j in range(3))
        if torch.allclose(out, mlpconv_reference(block, x, 1, 1, relus), rtol=1e-7, atol=1e-9):
            raise AssertionError(f"mlpconv(3, 4, 3, padding=1) has no ReLU after its {missing} convolution: a ReLU "
                                 "follows every convolution, conv -> ReLU -> 1x1 conv -> ReLU -> 1x1 conv -> ReLU")
    assert_close(out, mlpconv_reference(block, x, 1, 1), "mlpconv(3, 4, 3, padding=1) vs conv3x3-ReLU-conv1x1-ReLU-"
                 "conv1x1-ReLU recomputed from its weights, x (2, 3, 7, 6)", rtol=1e-7, atol=1e-9)
print("mlpconv computes a 3-layer MLP on every patch: conv -> ReLU -> 1x1 conv -> ReLU -> 1x1 conv -> ReLU.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
torch.manual_seed(5002)
rng = np.random.default_rng(5002)
for trial in range(6):
    cin, cout, k = int(rng.integers(1, 6)), int(rng.integers(1, 6)), int(rng.choice([1, 3, 5]))
    stride, padding = int(rng.integers(1, 3)), int(rng.integers(0, k // 2 + 1))
    block = mlpconv(cin, cout, k, stride=stride, padding=padding).double()
    x = torch.randn(int(rng.integers(1, 3)), cin, k + int(rng.integers(0, 8)), k + int(rng.integers(0, 8)),
                    dtype=torch.float64)
    x_before = x.clone()
    with torch.no_grad():
        checks.assert_close(block(x), mlpconv_reference(block, x, stride, padding),
                            f"mlpconv({cin}, {cout}, {k}, stride={stride}, padding={padding}) on x {tuple(x.shape)}",
                            rtol=1e-7, atol=1e-9)
    checks.assert_close(x, x_before, "x after mlpconv: the input must not be modified")
### END HIDDEN TESTS

# %% [markdown]
# ### Question: the price of a fully connected head
#
# Set `answer_fc_head_params` to the number of parameters (weights and biases) of a head that
# flattens a **6×6×256** volume and maps it with **one** fully connected layer to **100** classes,
# as an `int`. (A NiN head would use a 1×1 convolution 256 → 100 and GAP instead.)

# %% solution="question_fc_head_params"
### BEGIN SOLUTION
answer_fc_head_params = 6 * 6 * 256 * 100 + 100
### END SOLUTION

# %% tests="test_question_fc_head_params" points=1
# Checks the form of the answer; the grader checks its value.
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert "answer_fc_head_params" in globals(), "set answer_fc_head_params in the cell above to a number"
value = checks.number_answer(answer_fc_head_params, "answer_fc_head_params")
### BEGIN HIDDEN TESTS
# Only operators between here and the comparison: a notebook can redefine sum, abs or print.
assert 6 * 6 * 256 * 100 + 100 - 0.5 < value < 6 * 6 * 256 * 100 + 100 + 0.5, (
    "one FC layer from the flattened 6*6*256 values to 100 classes: a weight per (input, class) pair plus a bias "
    "per class")
### END HIDDEN TESTS

# %% [markdown]
# With your `mlpconv`, the next cell checks the claim that a 1×1 convolution is a fully connected
# layer applied to every pixel: the second convolution of a block, applied as `F.linear` to the
# channel vector of each pixel, gives exactly the convolution's output.

# %% tags=["experiment"]
block = mlpconv(3, 8, 3, padding=1).eval()
one_by_one = [m for m in block.modules() if isinstance(m, nn.Conv2d)][1]
features = torch.relu(torch.randn(1, 8, 5, 5))
with torch.no_grad():
    as_conv = one_by_one(features)
    as_linear = F.linear(features.permute(0, 2, 3, 1), one_by_one.weight[:, :, 0, 0], one_by_one.bias)
print("1x1 conv == the same FC layer at every pixel:", torch.allclose(as_conv, as_linear.permute(0, 3, 1, 2),
                                                                       atol=1e-6))

# %% [markdown]
# ## 5. Auxiliary classifiers: training time only
#
# A 22-layer network trained in 2014, before BatchNorm, had trouble passing gradient to its lower
# layers. GoogLeNet attaches two small **auxiliary classifiers** to intermediate modules (after 4a
# and after 4d): AvgPool → 1×1 conv → FC → FC → softmax. Each predicts the class from intermediate
# features; their losses, weighted by 0.3, are added to the main loss, which **injects extra
# gradient into the lower layers**. At test time they are discarded: the network returns only the
# main classifier's output.
#
# In PyTorch, "training time" is `model.training`, set by `model.train()` and `model.eval()`. The
# next cell defines the auxiliary head and a **mini-GoogLeNet** for 32×32 images. It keeps all nine
# Inception modules with GoogLeNet's channel numbers scaled by `width`, and the stem's three
# convolutions (3×3, 1×1, 3×3). GoogLeNet's stem shrinks 224×224 to 28×28 before the first module,
# an 8× reduction; applied to a 32×32 image, the same two stem pools would leave 8×8 for 3a/3b,
# 4×4 for 4a–4e and 2×2 for 5a/5b, too little room for 3×3 and 5×5 branches. So, like the CIFAR
# versions of GoogLeNet, the stem here has **no pools** by default (`stem_pools=0`), and the
# modules work on maps of about the size they have in GoogLeNet: 3a/3b at 32×32 (GoogLeNet: 28×28),
# 4a–4e at 16×16 (14×14), 5a/5b at 8×8 (7×7). Relative to the image, that is 8× finer than in
# GoogLeNet; what is kept is the room the 3×3 and 5×5 branches need. `stem_pools=1` or `2` puts
# the stem's pools back (each halves every map below), which quick mode uses to fit a CPU. The
# modules are grouped so that you can write the forward pass:
#
# | attribute | contents | output for a 32×32 input (`stem_pools=0`) |
# |---|---|---|
# | `stem` | 3×3 conv, 1×1 conv, 3×3 conv (`stem_pools` adds 3×3/2 max pools after the first and last) | 32×32 |
# | `stage1` | 3a, 3b, max pool /2, 4a | 16×16 |
# | `aux1` | auxiliary head on `stage1`'s output | logits |
# | `stage2` | 4b, 4c, 4d | 16×16 |
# | `aux2` | auxiliary head on `stage2`'s output | logits |
# | `stage3` | 4e, max pool /2, 5a, 5b | 8×8 |
# | `gap`, `dropout`, `fc` | global average pool, dropout, the classifier | logits |
#
# With `aux_logits=False`, `aux1` and `aux2` are `None`. Pools have no parameters, so `stem_pools`
# changes the work (about 3.1 GFLOPs per image at full width with `stem_pools=0`, 0.24 with 2),
# not the parameter count.

# %%
GOOGLENET_INCEPTIONS = {  # name: (ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj), from the paper's table
    "3a": (64, 96, 128, 16, 32, 32), "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64), "4b": (160, 112, 224, 24, 64, 64), "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64), "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128), "5b": (384, 192, 384, 48, 128, 128),
}


class AuxHead(nn.Module):
    """GoogLeNet's auxiliary classifier, scaled: average pool to 2x2 -> 1x1 conv -> FC -> ReLU -> dropout -> FC."""

    def __init__(self, in_channels, num_classes, width=1.0, dropout=0.7):
        super().__init__()
        conv_channels, hidden = max(1, round(128 * width)), max(1, round(1024 * width))
        self.pool = nn.AdaptiveAvgPool2d(2)  # the paper's 5x5/3 pool turns 14x14 into 4x4; 2x2 keeps the head small
        self.conv = conv_bn_relu(in_channels, conv_channels, 1)
        self.fc1 = nn.Linear(conv_channels * 4, hidden)
        self.dropout = nn.Dropout(dropout)
        self.fc2 = nn.Linear(hidden, num_classes)

    def forward(self, x):
        x = torch.flatten(self.conv(self.pool(x)), 1)
        return self.fc2(self.dropout(F.relu(self.fc1(x))))


def inception_stack(names, in_channels, width, inception):
    """Inception modules (and "pool" entries for 3x3/2 max pools) with GoogLeNet's channels scaled by width."""
    layers = []
    for name in names:
        if name == "pool":
            layers.append(nn.MaxPool2d(3, stride=2, padding=1))
            continue
        c1, c3r, c3, c5r, c5, pp = (max(1, round(c * width)) for c in GOOGLENET_INCEPTIONS[name])
        layers.append(inception(in_channels, c1, c3r, c3, c5r, c5, pp))
        in_channels = c1 + c3 + c5 + pp
    return nn.Sequential(*layers), in_channels

# %% [markdown]
# ### Exercise 4: `MiniGoogLeNet.forward`
#
# The constructor is given. Write `forward(x)`:
#
# * run `stem`, `stage1`, `stage2`, `stage3`, then global average pooling (`gap`, then flatten to
#   `(N, C)`), `dropout` and `fc`: these are the main logits `(N, num_classes)`;
# * in **training mode** (`self.training`) and with `self.aux_logits`, also apply `aux1` to
#   `stage1`'s output and `aux2` to `stage2`'s output and return the tuple `(logits, aux1, aux2)`;
# * otherwise (eval mode, or `aux_logits=False`) return only the main logits, a single tensor, and
#   do not run the auxiliary heads at all.

# %% solution="mini_googlenet"
class MiniGoogLeNet(nn.Module):
    """GoogLeNet for 32x32 images with all nine Inception modules, channels scaled by `width`.

    stem_pools: how many 3x3/2 max pools the stem has (0: 3a/3b see the full input size).

    forward(x): in training mode with aux_logits, (logits, aux1, aux2); otherwise logits (N, num_classes).
    `inception` is the module class to stack (default: your Inception).
    """

    def __init__(self, num_classes=10, in_channels=3, width=1.0, aux_logits=True, dropout=0.4, aux_dropout=0.7,
                 inception=None, stem_pools=0):
        super().__init__()
        inception = inception or Inception
        c64, c192 = max(1, round(64 * width)), max(1, round(192 * width))
        self.aux_logits = aux_logits
        pools = [nn.MaxPool2d(3, stride=2, padding=1) for _ in range(stem_pools)]  # 0, 1 or 2 of them
        self.stem = nn.Sequential(conv_bn_relu(in_channels, c64, 3, padding=1), *pools[:1],
                                  conv_bn_relu(c64, c64, 1), conv_bn_relu(c64, c192, 3, padding=1), *pools[1:])
        self.stage1, channels = inception_stack(["3a", "3b", "pool", "4a"], c192, width, inception)
        self.aux1 = AuxHead(channels, num_classes, width, aux_dropout) if aux_logits else None
        self.stage2, channels = inception_stack(["4b", "4c", "4d"], channels, width, inception)
        self.aux2 = AuxHead(channels, num_classes, width, aux_dropout) if aux_logits else None
        self.stage3, channels = inception_stack(["4e", "pool", "5a", "5b"], channels, width, inception)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x):
        ### BEGIN SOLUTION
        use_aux = self.training and self.aux_logits
        x = self.stage1(self.stem(x))
        aux1 = self.aux1(x) if use_aux else None
        x = self.stage2(x)
        aux2 = self.aux2(x) if use_aux else None
        x = self.stage3(x)
        logits = self.fc(self.dropout(torch.flatten(self.gap(x), 1)))
        if use_aux:
            return logits, aux1, aux2
        return logits
        ### END SOLUTION

# %% tests="test_googlenet_eval" points=2
# Eval mode: a single tensor of main logits, and the auxiliary heads are not run.
# (The model is built with torchvision's Inception, so this test does not depend on your Exercise 2, and with two
# stem pools, so it runs fast.)
import importlib

import torch
import torch.nn.functional as F
from torchvision.models.googlenet import Inception as TorchvisionInception

import cs_utils.model_checks
from cs_utils.checks import assert_close

model_checks = importlib.reload(cs_utils.model_checks)  # a notebook cannot have changed it


def main_path(model, x):
    """The main classifier's logits, computed from the model's parts in the documented order."""
    features = model.stage3(model.stage2(model.stage1(model.stem(x))))
    return model.fc(model.dropout(features.mean(dim=(2, 3))))


def count_aux_calls(model):
    calls = []
    hooks = [head.register_forward_hook(lambda *args: calls.append(1)) for head in (model.aux1, model.aux2)
             if head is not None]
    return calls, hooks


torch.manual_seed(0)
model = MiniGoogLeNet(num_classes=7, width=0.125, inception=TorchvisionInception, stem_pools=2).double().eval()
x = torch.randn(3, 3, 32, 32, dtype=torch.float64)
calls, hooks = count_aux_calls(model)
with model_checks.naming_an_unflattened_input(model.fc, "fc"), torch.no_grad():
    out = model(x)
if isinstance(out, (tuple, list)):
    raise AssertionError(f"in eval mode MiniGoogLeNet returned a {type(out).__name__} of {len(out)}: the auxiliary "
                         f"heads are for training only, eval mode returns the main logits alone")
with torch.no_grad():
    if not torch.equal(out, model(x)):
        raise AssertionError("MiniGoogLeNet(7) in eval mode gives different logits for the same x: the main path's "
                             "dropout is still on in eval mode. F.dropout drops whatever the mode unless told "
                             "training=self.training; self.dropout (an nn.Dropout) follows model.eval() by itself")
    assert_close(out, main_path(model, x), "MiniGoogLeNet(7) in eval mode vs stem -> stage1 -> stage2 -> stage3 -> "
                 "gap -> dropout -> fc", rtol=1e-6, atol=1e-8)
assert not calls, f"in eval mode the auxiliary heads ran {len(calls)} time(s); skip them at test time"
with torch.no_grad():
    single = model(x[:1])
if tuple(single.shape) != (1, 7):
    raise AssertionError(f"MiniGoogLeNet(7) in eval mode on a batch of one image, x (1, 3, 32, 32), returned shape "
                         f"{tuple(single.shape)}, expected (1, 7)" + (
                             ": .squeeze() removes the batch axis too when N = 1; flatten the pooled map from dim 1 "
                             "with torch.flatten(x, 1)" if tuple(single.shape) == (7,) else ""))
print("In eval mode, MiniGoogLeNet returns the main logits only.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
torch.manual_seed(3001)
for trial in range(3):
    k, n, size = int(torch.randint(2, 12, ())), int(torch.randint(1, 4, ())), int(torch.randint(24, 41, ()))
    model = MiniGoogLeNet(num_classes=k, width=0.1, inception=TorchvisionInception, stem_pools=2).double().eval()
    aux_calls, _ = count_aux_calls(model)
    x = torch.randn(n, 3, size, size, dtype=torch.float64)
    with torch.no_grad():
        out = model(x)
    assert torch.is_tensor(out), f"eval mode should return one tensor, got {type(out).__name__}"
    with torch.no_grad():
        checks.assert_close(out, main_path(model, x), f"MiniGoogLeNet({k}) in eval mode on x {tuple(x.shape)}",
                            rtol=1e-6, atol=1e-8)
    assert not aux_calls, "the auxiliary heads ran in eval mode"
    # aux_logits=False: a single tensor in training mode too.
    reference_inception = TorchvisionInception
    model = MiniGoogLeNet(num_classes=k, width=0.1, aux_logits=False, dropout=0.0, inception=reference_inception,
                          stem_pools=2)
    model = model.double().train()
    try:
        out = model(x)
    except TypeError as err:
        if "'NoneType' object is not callable" not in str(err):
            raise
        raise AssertionError(f"MiniGoogLeNet(aux_logits=False) in training mode failed ({err}): with "
                             "aux_logits=False, aux1 and aux2 are None; run the heads only when self.training and "
                             "self.aux_logits") from None
    assert torch.is_tensor(out), f"with aux_logits=False, training mode should return one tensor, got {type(out)}"
    checks.assert_shape(out, (n, k), "MiniGoogLeNet(aux_logits=False) in training mode")
### END HIDDEN TESTS

# %% tests="test_googlenet_train" points=2
# Training mode: (logits, aux1, aux2), with aux1 on stage1's output and aux2 on stage2's output; dropout before fc.
import importlib

import torch
import torch.nn.functional as F
from torchvision.models.googlenet import Inception as TorchvisionInception

import cs_utils.model_checks
from cs_utils.checks import assert_close

model_checks = importlib.reload(cs_utils.model_checks)  # a notebook cannot have changed it


def check_training_outputs(model, x, k):
    with model_checks.naming_an_unflattened_input(model.fc, "fc"):
        out = model(x)
    if torch.is_tensor(out) or len(out) != 3:
        raise AssertionError("in training mode with aux_logits=True, MiniGoogLeNet should return the tuple "
                             f"(logits, aux1, aux2); it returned {type(out).__name__}")
    logits, aux1, aux2 = out
    for name, got in zip(("logits", "aux1", "aux2"), out):
        if tuple(got.shape) != (len(x), k):
            raise AssertionError(f"{name} of MiniGoogLeNet({k}) in training mode on x {tuple(x.shape)} has shape "
                                 f"{tuple(got.shape)}, expected {(len(x), k)}" + (
                                     ": .squeeze() removes the batch axis too when N = 1; flatten from dim 1 with "
                                     "torch.flatten(x, 1)" if tuple(got.shape) == (k,) else ""))
    # The heads exist to push gradient into the middle of the network, not only to train themselves.
    first_weight = next(model.stem.parameters())
    weights = torch.randn(logits.shape, generator=torch.Generator().manual_seed(0), dtype=logits.dtype)
    for name, head_out, below in (("aux1", aux1, "the stem and stage1"), ("aux2", aux2, "the stem, stage1 and stage2")):
        grad = None
        if head_out.requires_grad:
            grad, = torch.autograd.grad((head_out * weights).sum(), first_weight, retain_graph=True, allow_unused=True)
        if grad is None or not grad.any():
            raise AssertionError(f"a loss on {name} alone sends no gradient into {below}: its head got a detached "
                                 "input (.detach() or torch.no_grad()). The auxiliary heads are there to push "
                                 "gradient into the lower layers; pass them the stage's output as it is")
    with torch.no_grad():  # BatchNorm uses batch statistics in training mode: the same batch gives the same values
        after_stage1 = model.stage1(model.stem(x))
        after_stage2 = model.stage2(after_stage1)
        expected = (model.fc(model.stage3(after_stage2).mean(dim=(2, 3))), model.aux1(after_stage1),
                    model.aux2(after_stage2))
    for name, got, want in zip(("logits", "aux1", "aux2"), (logits, aux1, aux2), expected):
        assert_close(got.detach(), want, f"{name} of MiniGoogLeNet({k}) in training mode on x {tuple(x.shape)}",
                     rtol=1e-6, atol=1e-8)
    loss = sum(F.cross_entropy(o, torch.zeros(len(x), dtype=torch.long)) for o in (logits, aux1, aux2))
    loss.backward()
    assert model.aux1.fc2.weight.grad is not None, "no gradient reached aux1: do not detach the auxiliary outputs"


torch.manual_seed(1)
model = MiniGoogLeNet(num_classes=5, width=0.125, dropout=0.0, aux_dropout=0.0,
                      inception=TorchvisionInception, stem_pools=2).double().train()
check_training_outputs(model, torch.randn(4, 3, 32, 32, dtype=torch.float64), 5)
check_training_outputs(model, torch.randn(1, 3, 32, 32, dtype=torch.float64), 5)
# The main path's dropout, the one layer check_training_outputs switches off: it acts on fc's input.
model = MiniGoogLeNet(num_classes=5, width=0.125, aux_logits=False, dropout=0.5, inception=TorchvisionInception,
                      stem_pools=2).double()
try:
    with torch.no_grad():
        model.train()(torch.randn(2, 3, 32, 32, dtype=torch.float64))
except TypeError as err:
    if "'NoneType' object is not callable" not in str(err):
        raise
    raise AssertionError(f"MiniGoogLeNet(5, aux_logits=False) in training mode failed ({err}): with aux_logits=False, "
                         "aux1 and aux2 are None; run the heads only when self.training and self.aux_logits") from None
model_checks.assert_dropout_before(model, torch.randn(4, 3, 32, 32, dtype=torch.float64), 0.5, {0}, ("fc",),
                                   "MiniGoogLeNet(5, aux_logits=False, dropout=0.5)", rtol=1e-7, atol=1e-9)
print("In training mode, MiniGoogLeNet returns the main and both auxiliary logits, with dropout before fc.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
model_checks = importlib.reload(cs_utils.model_checks)  # check_training_outputs uses it; the answer has run since
torch.manual_seed(3002)
for trial in range(2):
    k, n = int(torch.randint(2, 12, ())), int(torch.randint(2, 5, ()))
    model = MiniGoogLeNet(num_classes=k, width=0.1, dropout=0.0, aux_dropout=0.0, inception=TorchvisionInception,
                          stem_pools=2)
    model = model.double().train()
    check_training_outputs(model, torch.randn(n, 3, 32, 32, dtype=torch.float64), k)
    model.eval()
    with torch.no_grad():
        assert torch.is_tensor(model(torch.randn(n, 3, 32, 32, dtype=torch.float64))), \
            "after model.eval() the auxiliary heads must be off"
dropped_model = MiniGoogLeNet(num_classes=3, width=0.1, aux_logits=False, dropout=0.3, inception=TorchvisionInception,
                              stem_pools=2).double()
model_checks.assert_dropout_before(dropped_model, torch.randn(5, 3, 24, 24, dtype=torch.float64), 0.3, {0},
                                   ("fc",), "MiniGoogLeNet(3, aux_logits=False, dropout=0.3)", rtol=1e-7, atol=1e-9)
### END HIDDEN TESTS

# %% [markdown]
# ## 6. Training a mini-GoogLeNet
#
# `cs_utils.training.fit` expects one tensor of logits, but in training mode our model returns
# three. The loop below is `fit` reduced to its core with GoogLeNet's loss,
#
# $$L = L_{\text{main}} + 0.3\,(L_{\text{aux1}} + L_{\text{aux2}}),$$
#
# mixed precision on a GPU (the same policy as `fit`: bf16 where the GPU has it natively, else fp16 with a
# gradient scaler; fp32 on a CPU), and `cs_utils.training.evaluate` for validation, which runs the
# model in eval mode, where it returns one tensor. Quick mode trains a narrow model (1/8 of
# GoogLeNet's channels) for two epochs on 2,000 digits of the MNIST subset; full mode trains the
# full-width model on CIFAR-10 with SGD and a cosine learning-rate schedule.

# %% tags=["experiment"]
import time

from torch.utils.flop_counter import FlopCounterMode
from tqdm.auto import tqdm

from cs_utils.diagnostics import StepLog, plot_steps
from cs_utils.runtime import training_device
from cs_utils.torchdata import course_loaders, course_test_loader
from cs_utils.training import amp_policy, evaluate, precision_name, result_line, save_results, tune_backend


def fit_with_aux(model, train_loader, val_loader, epochs, optimizer, scheduler=None, aux_weight=0.3, desc="train",
                 steps=None):
    """Train a model whose training-mode output is (logits, aux1, aux2); returns a fit-style history.

    steps: a cs_utils.diagnostics.StepLog that records the main classifier's loss at every step."""
    device = training_device()
    tune_backend(device)  # on CUDA: let cuDNN pick its fastest kernels for our fixed shapes
    dtype, needs_scaler = amp_policy(device)
    scaler = torch.amp.GradScaler(device.type, enabled=needs_scaler)
    model.to(device, memory_format=torch.channels_last)  # channels_last: faster max pooling on CPU, convs on GPU
    history = {"train_loss": [], "main_loss": [], "val_loss": [], "val_acc": [], "seconds": [],
               "device": str(device), "precision": precision_name(dtype)}
    for _ in tqdm(range(epochs), desc=desc):
        epoch_start = time.perf_counter()
        model.train()
        totals, count = torch.zeros(2, device=device), 0  # summed on the device: no host wait per step
        for x, y in tqdm(train_loader, desc="batches", leave=False):
            x, y = x.to(device, memory_format=torch.channels_last), y.to(device)
            with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
                logits, aux1, aux2 = model(x)
                main = F.cross_entropy(logits.float(), y)
                loss = main + aux_weight * (F.cross_entropy(aux1.float(), y) + F.cross_entropy(aux2.float(), y))
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            totals += torch.stack([loss.detach(), main.detach()]) * len(y)
            count += len(y)
            if steps is not None:
                steps.record(main, logits, y)
        if scheduler is not None:
            scheduler.step()
        train_loss, main_loss = totals.tolist()  # the epoch's one read from the device
        history["train_loss"].append(train_loss / count)
        history["main_loss"].append(main_loss / count)
        val_loss, val_acc = evaluate(model, val_loader, device, channels_last=True)
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
        history["seconds"].append(time.perf_counter() - epoch_start)
    return history


# What each mode should reach: typical numbers for this recipe, not measured on this machine.
TARGETS = {
    "quick": "a narrow mini-GoogLeNet (1/8 width) well above the 10% of guessing on the MNIST digits "
             "after 2 epochs, about a minute on a CPU",
    "full": "mini-GoogLeNet (full width, aux heads) about 85-90% test accuracy on CIFAR-10 (typical for this "
            "recipe: SGD with Nesterov momentum, cosine schedule, 30 epochs, crop and flip), about 20-30 min "
            "on an A100/H100-class GPU, over an hour on a T4 (3.1 GFLOPs per image, about 3x ResNet-18's; "
            "estimated from the FLOPs, not measured)",
}
mode = "quick" if is_quick() else "full"
print(f"{mode} mode target: {TARGETS[mode]}")

reset_seed(SEED)
N_TRAIN = 2000  # quick mode's digits (full mode: CIFAR-10's 45,000)
train_loader, val_loader, info = course_loaders(batch_size=64 if is_quick() else 128, seed=SEED, n_train=N_TRAIN)
print("data:", info["name"])
# quick mode: two stem pools (modules on 8x8, 4x4, 2x2 maps), 1/13 of the work per image, to fit a CPU
width, epochs, stem_pools = (0.125, 2, 2) if is_quick() else (1.0, 30, 0)
model_name = "mini-GoogLeNet (1/8 width, quick)" if is_quick() else "mini-GoogLeNet"
mini = MiniGoogLeNet(num_classes=info["num_classes"], width=width, stem_pools=stem_pools)
optimizer = torch.optim.SGD(mini.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4, nesterov=True)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
steps = StepLog()
history = fit_with_aux(mini, train_loader, val_loader, epochs, optimizer, scheduler, desc="mini-GoogLeNet",
                       steps=steps)
result_line(model_name, history)
print(f"width {width}: {count_params(mini):,} parameters ({count_params(mini.aux1) + count_params(mini.aux2):,} in "
      f"the auxiliary heads) | {history['precision']} on {device}")
print(f"final validation accuracy {history['val_acc'][-1]:.3f} (chance: 0.100)")
for epoch in range(len(history["val_loss"])):
    print(f"epoch {epoch + 1}: main training loss {history['main_loss'][epoch]:.3f} (mean over the epoch's steps) | "
          f"validation loss {history['val_loss'][epoch]:.3f}, accuracy {history['val_acc'][epoch]:.3f} (at its end)")
step_losses, step_accs = steps.values()
fig = plot_steps(step_losses, history, len(train_loader), step_accs,
                 title="mini-GoogLeNet with auxiliary classifiers (main classifier)")
fig.axes[0].set_yscale("log")  # the first validation loss can sit far above the training curve
plt.show()

# %% [markdown]
# *Figure 2. The main classifier's loss (left, on a log scale) and accuracy (right) on each training
# batch (light blue) and their moving average (blue), and the validation loss and accuracy at the end
# of each epoch (orange). In quick mode two epochs on 2,000 digits take the narrow model well above the 10%
# of guessing; the printed accuracy above is the number to read.*
#
# **The first validation point.** In quick mode the validation loss after epoch 1 (printed above)
# is far higher than the training loss of the same epoch, and the validation accuracy lower; after
# epoch 2 the gap has shrunk. The network has not forgotten anything: **BatchNorm** normalizes with
# the current batch's mean and variance in training mode, but in eval mode, which `evaluate` uses,
# with running averages that each training batch moves by 10% (`momentum=0.1`). In the first
# epoch, with a large learning rate, the weights change fast, so the running averages describe
# earlier versions of the network and mis-scale the activations of the current one, more at every
# layer. When the learning rate falls (the cosine schedule) and the weights settle, the running
# averages catch up and the gap between eval mode and training mode shrinks.
#
# After training, `model.eval()` switches the auxiliary heads off; the deployed network is the
# stem, the modules and the small GAP classifier:

# %% tags=["experiment"]
mini.eval()
with torch.no_grad():
    batch = next(iter(val_loader))[0][:4].to(device, memory_format=torch.channels_last)
    print("eval mode output:", type(mini(batch)).__name__, tuple(mini(batch).shape))
test_params = count_params(mini) - count_params(mini.aux1) - count_params(mini.aux2)
print(f"parameters used at test time: {test_params:,}")

# %% [markdown]
# ## 7. Test accuracy, once
#
# The recipe was judged on the validation split. Now the test set is measured once (in eval mode:
# main logits only), and the results go to the course's `results/` folder for notebook 12's chart.

# %% tags=["experiment"]
test_loader, test_name = course_test_loader(seed=SEED, n_train=N_TRAIN)
print("test data:", test_name)
_, test_acc = evaluate(mini, test_loader, channels_last=True)
result_line(model_name, history, test_acc=test_acc)
with FlopCounterMode(display=False) as counter, torch.no_grad():
    mini.eval()(torch.zeros(1, 3, 32, 32, device=device))
path = save_results("10_googlenet", model=model_name, accuracy=test_acc, val_accuracy=history["val_acc"][-1],
                    test_accuracy=test_acc, dataset=test_name, params=test_params,
                    params_with_aux_heads=count_params(mini), flops=counter.get_total_flops(),
                    wall_s=sum(history["seconds"]), precision=history["precision"], device=history["device"],
                    epochs=len(history["seconds"]), mode=mode)
print("saved", path)

# %% [markdown]
# ## Summary
#
# * The Inception module runs 1×1, 3×3 and 5×5 convolutions and a 3×3 max pool in parallel on the
#   same input, each keeping the spatial size, and concatenates the results along the channels.
# * A naive module is expensive: 854M multiplications on CS231n's 28×28×256 example, and the
#   pooling branch makes the depth grow. 1×1 **bottleneck** convolutions reduce the depth before the
#   3×3 and 5×5 convolutions and after the pool: 271M multiplications (the slide's 358M counts the
#   3×3 convolution twice) and 480 instead of 672 output channels.
# * GoogLeNet = stem (conv–pool–2× conv–pool) + nine stacked Inception modules + global average
#   pooling + one fully connected layer: 22 layers, "only 5 million parameters" in round numbers
#   (the paper's Table 1 adds up to about 6.8M, torchvision's version has 6.6M), an order of
#   magnitude fewer than AlexNet.
# * Global average pooling plus one FC layer (1M parameters) replaces a 226-million-parameter fully
#   connected classifier on GoogLeNet's 7×7×1024 output; the pooling itself has no parameters.
#   Both it and the 1×1 convolution come from Network in Network, whose mlpconv block (k×k conv,
#   then two 1×1 convs, each with a ReLU) is a small MLP slid over the image.
# * Auxiliary classifiers add weighted losses at intermediate layers during training only; in eval
#   mode the network returns the main logits alone.
#
# **Next:** notebook 11 asks why deeper plain networks train *worse*, and answers with ResNet's
# residual connections.
