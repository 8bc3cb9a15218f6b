# %% [markdown]
# # 11 · ResNet: residual connections
#
# **Week 7: Convolutional Neural Networks, notebook 11 of 12.**
#
# ResNet (He, Zhang, Ren & Sun, 2015) won ILSVRC 2015 with 3.57% top-5 error, below the 5.1% of a
# trained human. That number is an **ensemble** of six ResNets of different depths (two of them
# 152 layers deep); a single 152-layer ResNet reached 4.49% top-5 error on the validation set,
# itself better than every earlier ensemble. ResNets also swept the detection and segmentation
# tracks of ILSVRC and COCO the same year, first in all five main tracks and well ahead of the
# second-best entries (ImageNet detection by 16%, localization by 27%, COCO detection by 11% and
# segmentation by 12%). It got there by answering a puzzle: when a "plain" network is made
# deeper, it gets *worse*, even on its own training data. The fix is the **residual block**, which
# learns a change F(x) to its input and outputs F(x) + x.
#
# **Learning goals**
# 1. Show the degradation problem: a deeper plain network trains worse than a shallower one, and
#    residual connections fix it.
# 2. Implement the residual block (`BasicBlock`) with a projection shortcut when the shape changes,
#    and the bottleneck block (`Bottleneck`) of the deeper ResNets.
# 3. Assemble ResNet-18/34/50 from a configuration (`resnet`) and match torchvision's parameter
#    counts exactly.
# 4. Apply the lecture's training recipe, with mixed precision on a GPU.
#
# **How this notebook works.** Run the cells in order. Write your code where it says
# `YOUR CODE HERE` and delete the `raise NotImplementedError()` line. The test cell after an
# exercise checks your answer at once and says what is wrong. When you submit, hidden tests also
# try random channel counts, strides and input sizes, so make your code correct in general, not
# only for the visible examples. The exercises are independent: the tests of `resnet` build it
# from torchvision's blocks, not from yours.

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
    # quick mode runs beside other notebooks (make test): one thread each avoids oversubscription
    torch.set_num_threads(1)
else:
    describe_run("CIFAR-10 for training; random tensors for shapes", SEED)
    print(describe_dataset("cifar10"))
device = training_device()  # full mode stops here without a GPU (CS_ALLOW_CPU=1 to train on the CPU anyway)
print(f"device: {device} | torch {torch.__version__} | CPU threads: {torch.get_num_threads()}")


def count_params(model):
    """Number of learnable parameters of a module."""
    return sum(p.numel() for p in model.parameters())

# %% [markdown]
# ## 1. The puzzle: deeper plain networks do worse
#
# Stack more 3×3 conv–BN–ReLU layers and the network can only become more expressive: a deeper
# model can represent everything a shallower one can. Yet He et al. found that on CIFAR-10 a
# 56-layer plain network has **higher training error and higher test error** than a 20-layer one.
# Higher *training* error rules out overfitting: the deeper model is not fitting its data better
# and generalizing worse, it fits its data worse. The problem is **optimization**: deeper models
# are harder to train.
#
# A thought experiment says it should not be so. Take the trained 20-layer network, copy its
# layers into the 56-layer one and make the 36 extra layers compute the identity. That deeper
# network is exactly as good. So a solution at least as good exists, but gradient descent on plain
# layers does not find it: learning an identity mapping with conv–BN–ReLU layers is hard.
#
# ## 2. The residual block
#
# Instead of asking a few layers to fit the desired mapping H(x) directly, let them fit the
# **residual** F(x) = H(x) − x and add the input back:
#
# $$H(x) = F(x) + x .$$
#
# If the best thing to do is nothing, the layers only need F(x) = 0, which is easy: drive the
# weights towards zero. In ResNet's **basic block**, F is two 3×3 convolutions, each followed by
# BatchNorm, with a ReLU between them; the input is added to F(x) and a final ReLU follows the
# addition:
#
# ```
# x ─┬─ conv 3×3 (stride s) ─ BN ─ ReLU ─ conv 3×3 ─ BN ─┬─(+)─ ReLU ─> out
#    └───────────────────── shortcut(x) ────────────────┘
# ```
#
# Periodically ResNet doubles the number of filters and halves the spatial size with stride 2
# (the first convolution of the block gets stride 2). Then x no longer has F(x)'s shape and cannot
# be added as it is: the **projection shortcut** is a 1×1 convolution with stride s (no bias)
# followed by BatchNorm, mapping `in_channels → out_channels` and H×W → H/s×W/s. When the shape is
# unchanged the shortcut is the identity.

# %% [markdown]
# ### Exercise 1: `BasicBlock`
#
# Implement the basic residual block. The tests look for these attributes:
#
# * `conv1`: 3×3 convolution `in_channels → out_channels`, stride `stride`, padding 1, no bias;
#   `bn1`: its BatchNorm;
# * `conv2`: 3×3 convolution `out_channels → out_channels`, stride 1, padding 1, no bias; `bn2`:
#   its BatchNorm (the last layer of the residual branch);
# * `shortcut`: `nn.Identity()` when `stride == 1` and `in_channels == out_channels`, otherwise a
#   1×1 convolution `in_channels → out_channels` with stride `stride` and no bias, followed by a
#   BatchNorm (e.g. in an `nn.Sequential`).
#
# `forward(x)` returns `ReLU(bn2(conv2(ReLU(bn1(conv1(x))))) + shortcut(x))`: the ReLU comes
# **after** the addition. Input `(N, in_channels, H, W)`; output `(N, out_channels, H', W')` with
# H' = ⌊(H − 1)/stride⌋ + 1, which is H/stride for even H.

# %% solution="basic_block"
class BasicBlock(nn.Module):
    """ResNet's basic block: two 3x3 conv-BN layers plus a shortcut, ReLU after the addition.

    Attributes: conv1, bn1, conv2, bn2, shortcut (nn.Identity or 1x1 conv with stride + BN).
    (N, in_channels, H, W) -> (N, out_channels, H', W'), H' = (H - 1) // stride + 1.
    """

    expansion = 1  # output channels = expansion * out_channels (4 for the bottleneck block)

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        ### BEGIN SOLUTION
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        if stride == 1 and in_channels == out_channels:
            self.shortcut = nn.Identity()
        else:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(out_channels))
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        residual = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(residual + self.shortcut(x))
        ### END SOLUTION

# %% tests="test_basic_block_shapes" points=1
# Output shapes: ResNet-18's blocks (64 -> 64; 64 -> 128 with stride 2), and a stride-2 block that keeps the channels.
import importlib

import torch

import cs_utils.model_checks
from cs_utils.checks import assert_shape

residual_block_output = importlib.reload(cs_utils.model_checks).residual_block_output  # a notebook cannot change it

torch.manual_seed(0)
for (cin, cout, stride), (h, w), expected in [((64, 64, 1), (8, 8), (2, 64, 8, 8)),
                                              ((64, 128, 2), (8, 8), (2, 128, 4, 4)),
                                              ((16, 16, 2), (9, 6), (2, 16, 5, 3)),
                                              ((8, 4, 1), (5, 7), (2, 4, 5, 7))]:
    out = residual_block_output(BasicBlock(cin, cout, stride), torch.randn(2, cin, h, w),
                                f"BasicBlock({cin}, {cout}, stride={stride})", stride)
    assert_shape(out, expected, f"BasicBlock({cin}, {cout}, stride={stride}) on x (2, {cin}, {h}, {w}) (when the "
                 f"stride or the channels change, the shortcut needs a 1x1 projection with that stride)")
print("BasicBlock keeps or halves the spatial size, and projects the shortcut when the shape changes.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
residual_block_output = importlib.reload(cs_utils.model_checks).residual_block_output  # again, after the answer ran
rng = np.random.default_rng(4001)
for trial in range(8):
    cin, cout, stride = int(rng.integers(1, 9)), int(rng.integers(1, 9)), int(rng.choice([1, 2, 3]))
    if trial % 3 == 0:
        cout, stride = cin, 1
    n, h, w = int(rng.integers(1, 4)), int(rng.integers(1, 12)), int(rng.integers(1, 12))
    blk = BasicBlock(cin, cout, stride).double().eval()
    x = torch.randn(n, cin, h, w, dtype=torch.float64)
    label = f"BasicBlock({cin}, {cout}, stride={stride}) on x {tuple(x.shape)}"
    checks.assert_shape(residual_block_output(blk, x, label, stride),
                        (n, cout, (h - 1) // stride + 1, (w - 1) // stride + 1), label)
### END HIDDEN TESTS

# %% tests="test_basic_block_zero_branch" points=2
# With the last BatchNorm of the residual branch zeroed (gamma = beta = 0), F(x) = 0 and the block
# must compute ReLU(shortcut(x)): ReLU(x) for the identity shortcut, ReLU(BN(conv1x1_stride(x))) for a projection.
import importlib

import torch
import torch.nn as nn
import torch.nn.functional as F

import cs_utils.model_checks
from cs_utils.checks import assert_close

residual_block_output = importlib.reload(cs_utils.model_checks).residual_block_output  # a notebook cannot change it


def projection_reference(block, x, stride):
    """BN(conv1x1 with stride s (x)) from the Conv2d and BatchNorm2d found in block.shortcut (BN in eval mode)."""
    convs = [m for m in block.shortcut.modules() if isinstance(m, nn.Conv2d)]
    norms = [m for m in block.shortcut.modules() if isinstance(m, nn.BatchNorm2d)]
    assert len(convs) == 1 and len(norms) == 1, (
        f"the projection shortcut should hold one Conv2d and one BatchNorm2d, found {len(convs)} and {len(norms)}")
    conv, bn = convs[0], norms[0]
    assert conv.kernel_size == (1, 1) and conv.stride == (stride, stride), (
        f"the projection should be a 1x1 convolution with stride {stride}, got kernel {conv.kernel_size}, "
        f"stride {conv.stride}")
    return F.batch_norm(F.conv2d(x, conv.weight, conv.bias, stride=stride), bn.running_mean, bn.running_var,
                        bn.weight, bn.bias, False, 0.0, bn.eps)


def randomize_norms(block, gen):
    """Random BatchNorm statistics and affine parameters, so that eval mode is not close to the identity."""
    with torch.no_grad():
        for m in block.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.num_features, generator=gen, dtype=m.running_mean.dtype))
                m.running_var.copy_(0.5 + torch.rand(m.num_features, generator=gen, dtype=m.running_var.dtype))
                m.weight.copy_(torch.randn(m.num_features, generator=gen, dtype=m.weight.dtype))
                m.bias.copy_(torch.randn(m.num_features, generator=gen, dtype=m.bias.dtype))


def check_zero_branch(cin, cout, stride, x, seed):
    block = BasicBlock(cin, cout, stride).double()
    randomize_norms(block, torch.Generator().manual_seed(seed))
    with torch.no_grad():
        block.bn2.weight.zero_()
        block.bn2.bias.zero_()
    label = f"BasicBlock({cin}, {cout}, stride={stride}) with bn2's gamma and beta zeroed, x {tuple(x.shape)}"
    for mode in ("eval", "train"):
        block.train(mode == "train")
        out = residual_block_output(block, x, f"{label}, {mode} mode", stride)
        if stride == 1 and cin == cout:
            assert_close(out, F.relu(x), f"{label}, {mode} mode: F(x) = 0, so out = ReLU(x + 0)", rtol=1e-7, atol=1e-9)
        elif mode == "eval":
            assert_close(out, F.relu(projection_reference(block, x, stride)),
                         f"{label}: F(x) = 0, so out = ReLU(projection(x))", rtol=1e-7, atol=1e-9)


gen = torch.Generator().manual_seed(1)
x = torch.randn(2, 6, 8, 8, generator=gen, dtype=torch.float64)
check_zero_branch(6, 6, 1, x, seed=2)
check_zero_branch(6, 12, 2, x, seed=3)
print("With a zeroed residual branch, BasicBlock is ReLU(shortcut(x)).")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert_close = checks.assert_close
residual_block_output = importlib.reload(cs_utils.model_checks).residual_block_output  # again, after the answer ran
rng = np.random.default_rng(4002)
for trial in range(8):
    cin = int(rng.integers(1, 9))
    cout = cin if trial % 2 == 0 else int(rng.integers(1, 9))
    stride = 1 if trial % 4 == 0 else int(rng.choice([1, 2, 3]))
    x = torch.randn(int(rng.integers(1, 4)), cin, int(rng.integers(1, 10)), int(rng.integers(1, 10)),
                    dtype=torch.float64)
    check_zero_branch(cin, cout, stride, x, seed=trial)
# The stride alone changes the shape: a projection is needed even when the channels stay the same.
check_zero_branch(5, 5, 2, torch.randn(2, 5, 7, 6, dtype=torch.float64), seed=99)
### END HIDDEN TESTS

# %% tests="test_basic_block_forward" points=2
# The whole block recomputed with torch.nn.functional from its own layers, in float64, eval mode with
# random BN statistics.
import importlib

import torch
import torch.nn as nn
import torch.nn.functional as F

import cs_utils.model_checks
from cs_utils.checks import assert_close

residual_block_output = importlib.reload(cs_utils.model_checks).residual_block_output  # a notebook cannot change it


def bn_eval(x, bn):
    return F.batch_norm(x, bn.running_mean, bn.running_var, bn.weight, bn.bias, False, 0.0, bn.eps)


def conv(x, layer, stride, padding):
    return F.conv2d(x, layer.weight, layer.bias, stride=stride, padding=padding)


def basic_block_reference(block, x, stride, shortcut, conv2_stride=False, bn_after_relu=False):
    """ReLU(bn2(conv2(ReLU(bn1(conv1(x))))) + shortcut); conv2_stride moves the stride to conv2 and
    bn_after_relu swaps bn1 and the first ReLU, to name those mistakes."""
    assert block.conv1.weight.shape[2:] == (3, 3) and block.conv2.weight.shape[2:] == (3, 3), \
        "conv1 and conv2 should be 3x3 convolutions"
    stride1, stride2 = (1, stride) if conv2_stride else (stride, 1)
    h = conv(x, block.conv1, stride1, 1)
    h = bn_eval(F.relu(h), block.bn1) if bn_after_relu else F.relu(bn_eval(h, block.bn1))
    return F.relu(bn_eval(conv(h, block.conv2, stride2, 1), block.bn2) + shortcut)


def check_basic_block(cin, cout, stride, x, seed):
    block = BasicBlock(cin, cout, stride).double().eval()
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in block.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.num_features, generator=gen, dtype=torch.float64))
                m.running_var.copy_(0.5 + torch.rand(m.num_features, generator=gen, dtype=torch.float64))
                m.weight.copy_(torch.randn(m.num_features, generator=gen, dtype=torch.float64))
                m.bias.copy_(torch.randn(m.num_features, generator=gen, dtype=torch.float64))
        if stride == 1 and cin == cout:
            shortcut = x
        else:
            convs = [m for m in block.shortcut.modules() if isinstance(m, nn.Conv2d)]
            norms = [m for m in block.shortcut.modules() if isinstance(m, nn.BatchNorm2d)]
            assert len(convs) == 1 and len(norms) == 1, (
                "the projection shortcut should be one Conv2d and one BatchNorm2d")
            # Checked before the reference uses it: another kernel would give the reference a wrong size.
            assert convs[0].kernel_size == (1, 1) and convs[0].stride == (stride, stride), (
                f"BasicBlock({cin}, {cout}, stride={stride}): the projection should be a 1x1 convolution with "
                f"stride {stride} (no padding), got kernel {convs[0].kernel_size}, stride {convs[0].stride}")
            shortcut = bn_eval(conv(x, convs[0], stride, 0), norms[0])
        expected = basic_block_reference(block, x, stride, shortcut)
    label = f"BasicBlock({cin}, {cout}, stride={stride}) on x {tuple(x.shape)} in eval mode"
    got = residual_block_output(block, x, label, stride)
    residual = (basic_block_reference(block, x, stride, torch.zeros_like(expected))
                if got.shape == expected.shape else None)
    if residual is not None and not torch.allclose(got, expected) and torch.allclose(got, residual + shortcut):
        raise AssertionError(f"{label}: the shortcut was added after the final ReLU; add first, then apply the ReLU")
    if residual is not None and not torch.allclose(got, expected) and torch.allclose(got, F.relu(residual + shortcut)):
        raise AssertionError(f"{label}: the branch went through a ReLU before the shortcut was added. The branch ends "
                             "with bn2; the block's second ReLU comes after the addition: ReLU(bn2(...) + shortcut)")
    if stride != 1 and got.shape == expected.shape:
        with torch.no_grad():
            on_conv2 = basic_block_reference(block, x, stride, shortcut, conv2_stride=True)
        if not torch.allclose(got, expected) and torch.allclose(got, on_conv2):
            raise AssertionError(f"{label}: the stride is on conv2; it belongs on conv1, the first 3x3 convolution "
                                 "(conv2 has stride 1), as in the paper and torchvision")
    if got.shape == expected.shape and not torch.allclose(got, expected):
        with torch.no_grad():
            swapped = basic_block_reference(block, x, stride, shortcut, bn_after_relu=True)
        if torch.allclose(got, swapped):
            raise AssertionError(f"{label}: bn1 comes after the first ReLU; each convolution is followed by its "
                                 "BatchNorm, then the ReLU: ReLU(bn1(conv1(x)))")
    assert_close(got, expected, f"{label} vs ReLU(bn2(conv2(ReLU(bn1(conv1(x))))) + shortcut(x))",
                 rtol=1e-7, atol=1e-9)


gen = torch.Generator().manual_seed(4)
check_basic_block(4, 4, 1, torch.randn(2, 4, 6, 6, generator=gen, dtype=torch.float64), seed=5)
check_basic_block(4, 8, 2, torch.randn(2, 4, 6, 6, generator=gen, dtype=torch.float64), seed=6)
print("BasicBlock computes ReLU(F(x) + shortcut(x)).")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert_close = checks.assert_close
residual_block_output = importlib.reload(cs_utils.model_checks).residual_block_output  # again, after the answer ran
rng = np.random.default_rng(4003)
for trial in range(8):
    cin, cout, stride = int(rng.integers(1, 7)), int(rng.integers(1, 7)), int(rng.choice([1, 2]))
    if trial % 3 == 0:
        cout, stride = cin, 1
    x = torch.randn(int(rng.integers(1, 4)), cin, int(rng.integers(2, 10)), int(rng.integers(2, 10)),
                    dtype=torch.float64)
    check_basic_block(cin, cout, stride, x, seed=trial)
### END HIDDEN TESTS

# %% tests="test_basic_block_params" points=1
# Parameter count: torchvision's BasicBlock with its `downsample` projection (1x1 conv + BN) when the shape changes.
import torch.nn as nn
from torchvision.models.resnet import BasicBlock as TorchvisionBasicBlock


def torchvision_basic_params(cin, cout, stride):
    downsample = None
    if stride != 1 or cin != cout:
        downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
    return sum(p.numel() for p in TorchvisionBasicBlock(cin, cout, stride, downsample).parameters())


for cin, cout, stride in [(64, 64, 1), (64, 128, 2), (32, 32, 2)]:
    got = sum(p.numel() for p in BasicBlock(cin, cout, stride).parameters())
    expected = torchvision_basic_params(cin, cout, stride)
    assert got == expected, (f"BasicBlock({cin}, {cout}, stride={stride}) has {got:,} parameters, torchvision's "
                             f"{expected:,}: two 3x3 convs without bias, two BatchNorms, and a 1x1 conv + BatchNorm "
                             f"shortcut exactly when the shape changes")
print("BasicBlock has torchvision's parameter count.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(4004)
for trial in range(6):
    cin, cout, stride = int(rng.integers(1, 40)), int(rng.integers(1, 40)), int(rng.choice([1, 2]))
    n_params = sum(t.numel() for t in BasicBlock(cin, cout, stride).parameters())
    assert n_params == torchvision_basic_params(cin, cout, stride), f"BasicBlock({cin}, {cout}, {stride}) parameters"
### END HIDDEN TESTS

# %% [markdown]
# ## 3. The bottleneck block
#
# For ResNet-50 and deeper, two 3×3 convolutions on wide feature maps become expensive. The
# **bottleneck block** borrows GoogLeNet's trick: a 1×1 convolution reduces the depth, a 3×3
# convolution works on the thin volume, and a second 1×1 convolution expands the depth back, by a
# factor `expansion = 4`:
#
# ```
# x ─┬─ 1×1, C ─ BN ─ ReLU ─ 3×3, C (stride s) ─ BN ─ ReLU ─ 1×1, 4C ─ BN ─┬─(+)─ ReLU ─> out
#    └──────────────────────────── shortcut(x) ──────────────────────────┘
# ```
#
# On a 56×56×256 input with C = 64, the block costs 56·56·(256·64 + 9·64·64 + 64·256) ≈ 218M
# multiplications, while two 3×3 convolutions at 256 channels would cost 56·56·2·9·256·256 ≈ 3.7
# billion. Like torchvision ("ResNet v1.5"), we put the stride on the 3×3 convolution; the 2015
# paper put it on the first 1×1 (same parameters, slightly worse accuracy).

# %% [markdown]
# ### Exercise 2: `Bottleneck`
#
# `Bottleneck(in_channels, channels, stride=1)` outputs `4 * channels` channels. Attributes:
#
# * `conv1`: 1×1, `in_channels → channels`; `bn1`;
# * `conv2`: 3×3, `channels → channels`, stride `stride`, padding 1; `bn2`;
# * `conv3`: 1×1, `channels → 4 * channels`; `bn3` (the last layer of the residual branch);
# * `shortcut`: `nn.Identity()` when `stride == 1` and `in_channels == 4 * channels`, otherwise a
#   1×1 convolution `in_channels → 4 * channels` with stride `stride`, followed by a BatchNorm.
#
# All convolutions have no bias. `forward(x)` returns
# `ReLU(bn3(conv3(ReLU(bn2(conv2(ReLU(bn1(conv1(x)))))))) + shortcut(x))`.

# %% solution="bottleneck"
class Bottleneck(nn.Module):
    """ResNet's bottleneck block: 1x1 reduce -> 3x3 (stride) -> 1x1 expand (x4), plus a shortcut.

    Attributes: conv1, bn1, conv2, bn2, conv3, bn3, shortcut.
    (N, in_channels, H, W) -> (N, 4 * channels, H', W'), H' = (H - 1) // stride + 1.
    """

    expansion = 4

    def __init__(self, in_channels, channels, stride=1):
        super().__init__()
        ### BEGIN SOLUTION
        out_channels = channels * self.expansion
        self.conv1 = nn.Conv2d(in_channels, channels, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.conv3 = nn.Conv2d(channels, out_channels, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out_channels)
        if stride == 1 and in_channels == out_channels:
            self.shortcut = nn.Identity()
        else:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(out_channels))
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + self.shortcut(x))
        ### END SOLUTION

# %% tests="test_bottleneck_shapes_params" points=1
# Shapes and parameter counts against torchvision's Bottleneck (with a 1x1 conv + BN downsample when the shape changes).
import importlib

import numpy as np
import torch
import torch.nn as nn
from torchvision.models.resnet import Bottleneck as TorchvisionBottleneck

import cs_utils.model_checks
from cs_utils.checks import assert_shape

residual_block_output = importlib.reload(cs_utils.model_checks).residual_block_output  # a notebook cannot change it


def torchvision_bottleneck_params(cin, channels, stride):
    downsample = None
    if stride != 1 or cin != 4 * channels:
        downsample = nn.Sequential(nn.Conv2d(cin, 4 * channels, 1, stride, bias=False), nn.BatchNorm2d(4 * channels))
    return sum(p.numel() for p in TorchvisionBottleneck(cin, channels, stride, downsample).parameters())


torch.manual_seed(0)
for (cin, channels, stride), (h, w) in [((64, 64, 1), (8, 8)), ((256, 64, 1), (8, 8)), ((256, 128, 2), (8, 8)),
                                        ((16, 4, 2), (7, 5))]:
    block = Bottleneck(cin, channels, stride)
    out = residual_block_output(block, torch.randn(2, cin, h, w), f"Bottleneck({cin}, {channels}, stride={stride})",
                                stride)
    assert_shape(out, (2, 4 * channels, (h - 1) // stride + 1, (w - 1) // stride + 1),
                 f"Bottleneck({cin}, {channels}, stride={stride}) on x (2, {cin}, {h}, {w})")
    got, expected = sum(p.numel() for p in block.parameters()), torchvision_bottleneck_params(cin, channels, stride)
    assert got == expected, (
        f"Bottleneck({cin}, {channels}, stride={stride}) has {got:,} parameters, torchvision's {expected:,}")
print("Bottleneck has torchvision's shapes and parameter counts.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
residual_block_output = importlib.reload(cs_utils.model_checks).residual_block_output  # again, after the answer ran
rng = np.random.default_rng(5001)
for trial in range(6):
    cin, channels, stride = int(rng.integers(1, 20)), int(rng.integers(1, 6)), int(rng.choice([1, 2]))
    if trial % 3 == 0:
        cin, stride = 4 * channels, 1
    h, w = int(rng.integers(1, 10)), int(rng.integers(1, 10))
    blk = Bottleneck(cin, channels, stride).double().eval()
    label = f"Bottleneck({cin}, {channels}, stride={stride}) on x (2, {cin}, {h}, {w})"
    out = residual_block_output(blk, torch.randn(2, cin, h, w, dtype=torch.float64), label, stride)
    checks.assert_shape(out, (2, 4 * channels, (h - 1) // stride + 1, (w - 1) // stride + 1), label)
    assert sum(t.numel() for t in blk.parameters()) == torchvision_bottleneck_params(cin, channels, stride), \
        f"Bottleneck({cin}, {channels}, {stride}) parameters"
### END HIDDEN TESTS

# %% tests="test_bottleneck_forward" points=2
# The block recomputed with torch.nn.functional from its own layers (eval mode, random BN statistics), and the
# zeroed-branch identity: with bn3's gamma and beta zeroed the block is ReLU(shortcut(x)).
import copy
import importlib

import torch
import torch.nn as nn
import torch.nn.functional as F

import cs_utils.model_checks
from cs_utils.checks import assert_close

residual_block_output = importlib.reload(cs_utils.model_checks).residual_block_output  # a notebook cannot change it


def bottleneck_reference(block, x, stride, batch_statistics=False):
    """The block from its own layers; batch_statistics=True normalizes like train-mode BatchNorm."""
    def bn(h, m):
        if batch_statistics:
            return F.batch_norm(h, None, None, m.weight, m.bias, True, 0.0, m.eps)
        return F.batch_norm(h, m.running_mean, m.running_var, m.weight, m.bias, False, 0.0, m.eps)

    def conv(h, m, stride=1, padding=0):
        return F.conv2d(h, m.weight, m.bias, stride=stride, padding=padding)

    assert block.conv2.weight.shape[2:] == (3, 3), "conv2 should be the 3x3 convolution"
    if stride != 1 and block.conv1.stride != (1, 1):
        raise AssertionError(f"Bottleneck(..., stride={stride}) strides in conv1, the first 1x1 convolution, as the "
                             "2015 paper did. This exercise, like torchvision's ResNet v1.5, puts the stride on the "
                             "3x3 conv2, and conv1 has stride 1")
    # Eval-mode BN and ReLU act on each value alone, so a stride on conv3 gives the same eval values: name it.
    if stride != 1 and block.conv3.stride != (1, 1):
        raise AssertionError(f"Bottleneck(..., stride={stride}) strides in conv3, the last 1x1 convolution; the stride "
                             "belongs on the 3x3 conv2, and conv1 and conv3 have stride 1. (In eval mode the values "
                             "agree, but train-mode BatchNorm sees other statistics and conv2 does 4x the work)")
    strides = tuple(m.stride for m in (block.conv1, block.conv2, block.conv3))
    assert strides == ((1, 1), (stride, stride), (1, 1)), (
        f"Bottleneck(..., stride={stride}) has strides {strides} in conv1, conv2, conv3; expected "
        f"{((1, 1), (stride, stride), (1, 1))}: only the 3x3 conv2 has the stride")
    out = F.relu(bn(conv(x, block.conv1), block.bn1))
    out = F.relu(bn(conv(out, block.conv2, stride, 1), block.bn2))
    out = bn(conv(out, block.conv3), block.bn3)
    if isinstance(block.shortcut, nn.Identity) or not any(True for _ in block.shortcut.parameters()):
        shortcut = x.clone()
    else:
        convs = [m for m in block.shortcut.modules() if isinstance(m, nn.Conv2d)]
        norms = [m for m in block.shortcut.modules() if isinstance(m, nn.BatchNorm2d)]
        assert len(convs) == 1 and len(norms) == 1, "the projection shortcut should be one Conv2d and one BatchNorm2d"
        assert convs[0].stride == (stride, stride), f"the projection's stride should be {stride}"
        shortcut = bn(conv(x, convs[0], stride), norms[0])
    return F.relu(out + shortcut), shortcut


def check_bottleneck(cin, channels, stride, x, seed):
    block = Bottleneck(cin, channels, stride).double().eval()
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in block.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.num_features, generator=gen, dtype=torch.float64))
                m.running_var.copy_(0.5 + torch.rand(m.num_features, generator=gen, dtype=torch.float64))
                m.weight.copy_(torch.randn(m.num_features, generator=gen, dtype=torch.float64))
                m.bias.copy_(torch.randn(m.num_features, generator=gen, dtype=torch.float64))
        label = f"Bottleneck({cin}, {channels}, stride={stride}) on x {tuple(x.shape)} in eval mode"
        # The block runs first, so that a shortcut of the wrong shape is named before the reference adds it.
        got = residual_block_output(block, x, label, stride)
        expected, shortcut = bottleneck_reference(block, x, stride)
        assert_close(got, expected, f"{label} vs the 1x1 -> 3x3 -> 1x1 branch plus the shortcut, then ReLU",
                     rtol=1e-7, atol=1e-9)
        if x.shape[0] * ((x.shape[2] - 1) // stride + 1) * ((x.shape[3] - 1) // stride + 1) > 1:
            # Train mode normalizes with batch statistics, which depend on where the block subsamples.
            saved = copy.deepcopy(block.state_dict())  # train mode updates the running statistics
            train_label = label.replace("in eval mode", "in train mode (BatchNorm with batch statistics)")
            got = residual_block_output(block.train(), x, train_label, stride)
            block.eval().load_state_dict(saved)
            assert_close(got, bottleneck_reference(block, x, stride, batch_statistics=True)[0],
                         f"{train_label} vs the block recomputed with batch statistics", rtol=1e-7, atol=1e-9)
        block.bn3.weight.zero_()
        block.bn3.bias.zero_()
        assert_close(block(x), F.relu(shortcut), f"{label} with bn3's gamma and beta zeroed: ReLU(shortcut(x))",
                     rtol=1e-7, atol=1e-9)


gen = torch.Generator().manual_seed(7)
check_bottleneck(8, 2, 1, torch.randn(2, 8, 6, 6, generator=gen, dtype=torch.float64), seed=8)
check_bottleneck(8, 4, 2, torch.randn(2, 8, 6, 6, generator=gen, dtype=torch.float64), seed=9)
print("Bottleneck computes ReLU(F(x) + shortcut(x)) with a 1x1 -> 3x3 -> 1x1 branch.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
assert_close = checks.assert_close
residual_block_output = importlib.reload(cs_utils.model_checks).residual_block_output  # again, after the answer ran
rng = np.random.default_rng(5002)
for trial in range(6):
    channels, stride = int(rng.integers(1, 5)), int(rng.choice([1, 2]))
    cin = 4 * channels if trial % 2 == 0 else int(rng.integers(1, 12))
    x = torch.randn(int(rng.integers(1, 4)), cin, int(rng.integers(2, 9)), int(rng.integers(2, 9)),
                    dtype=torch.float64)
    check_bottleneck(cin, channels, stride, x, seed=trial)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. The full architecture
#
# A ResNet is:
#
# * a **stem**: for ImageNet a 7×7 convolution with 64 filters and stride 2, BN, ReLU and a 3×3
#   max pool with stride 2 (224 → 56); for 32×32 CIFAR images a single 3×3 convolution with
#   stride 1;
# * four **stages** of residual blocks with 64, 128, 256 and 512 channels (times `expansion`); the
#   first block of every stage but the first has stride 2: double the filters, halve the size;
# * **global average pooling** and a single fully connected layer to the classes. No other FC
#   layers, and the network accepts any input size.
#
# The depth counts the layers with weights on the main path: the stem convolution, the block
# convolutions and the final FC layer (the 1×1 projections are not counted). With two 3×3
# convolutions per basic block, ResNet-18 is 1 + 2·(2 + 2 + 2 + 2) + 1 = 18 layers; with three
# convolutions per bottleneck block, ResNet-50 is 1 + 3·(3 + 4 + 6 + 3) + 1 = 50.
#
# | depth | block | blocks per stage |
# |---|---|---|
# | 18 | basic | 2, 2, 2, 2 |
# | 34 | basic | 3, 4, 6, 3 |
# | 50 | bottleneck | 3, 4, 6, 3 |
# | 101 | bottleneck | 3, 4, 23, 3 |
# | 152 | bottleneck | 3, 8, 36, 3 |
#
# The `ResNet` class below is given. It builds stage `i` from `layers[i]` blocks of
# `block(in_channels, widths[i], stride)`, with stride 2 in the first block of every stage but the
# first, and initializes every convolution with **He (Kaiming) initialization** for ReLU networks.
# Any number of stages works: the CIFAR networks of section 5 have three.

# %%
class ResNet(nn.Module):
    """A ResNet: stem -> stages of residual blocks -> global average pooling -> one FC layer.

    block: a class with block(in_channels, channels, stride) and an `expansion` attribute.
    layers: blocks per stage. widths: each stage's `channels`. stem: "imagenet" (7x7/2 conv + 3x3/2
    max pool) or "cifar" (3x3 conv, stride 1).
    """

    def __init__(self, block, layers, num_classes=1000, widths=(64, 128, 256, 512), stem="imagenet", in_channels=3):
        super().__init__()
        if stem == "imagenet":
            self.stem = nn.Sequential(nn.Conv2d(in_channels, widths[0], 7, stride=2, padding=3, bias=False),
                                      nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True),
                                      nn.MaxPool2d(3, stride=2, padding=1))
        elif stem == "cifar":
            self.stem = nn.Sequential(nn.Conv2d(in_channels, widths[0], 3, stride=1, padding=1, bias=False),
                                      nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True))
        else:
            raise ValueError(f"stem must be 'imagenet' or 'cifar', got {stem!r}")
        stages, channels = [], widths[0]
        for i, (width, num_blocks) in enumerate(zip(widths, layers)):
            blocks = []
            for j in range(num_blocks):
                blocks.append(block(channels, width, 2 if i > 0 and j == 0 else 1))
                channels = width * block.expansion
            stages.append(nn.Sequential(*blocks))
        self.stages = nn.Sequential(*stages)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(channels, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):  # He et al. (2015): std = sqrt(2 / fan), for ReLU networks
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        return self.fc(torch.flatten(self.gap(self.stages(self.stem(x))), 1))

# %% [markdown]
# ### Exercise 3: `resnet(depth, ...)`
#
# Return the `ResNet` of the given depth, 18, 34, 50, 101 or 152, following the table: pick the
# block type and the blocks per stage, use the widths `(width, 2·width, 4·width, 8·width)`, and pass
# `num_classes` and `stem` on. Raise a `ValueError` for any other depth. `basic_block` and
# `bottleneck_block` say which classes to use for the two block types; by default (None) your
# `BasicBlock` and `Bottleneck`. The tests pass torchvision-based blocks there, so this exercise is
# graded on its own. With the defaults, `resnet(18)`, `resnet(34)` and `resnet(50)` must have
# exactly the parameter counts of `torchvision.models.resnet18/34/50(weights=None)`.

# %% solution="resnet"
def resnet(depth, num_classes=1000, width=64, stem="imagenet", basic_block=None, bottleneck_block=None):
    """ResNet-18/34/50/101/152 as a ResNet instance (widths width, 2w, 4w, 8w); ValueError for other depths."""
    basic_block = basic_block or BasicBlock
    bottleneck_block = bottleneck_block or Bottleneck
    ### BEGIN SOLUTION
    configs = {18: (basic_block, [2, 2, 2, 2]), 34: (basic_block, [3, 4, 6, 3]),
               50: (bottleneck_block, [3, 4, 6, 3]), 101: (bottleneck_block, [3, 4, 23, 3]),
               152: (bottleneck_block, [3, 8, 36, 3])}
    if depth not in configs:
        raise ValueError(f"no ResNet-{depth}: choose one of {sorted(configs)}")
    block, layers = configs[depth]
    widths = (width, 2 * width, 4 * width, 8 * width)
    return ResNet(block, layers, num_classes=num_classes, widths=widths, stem=stem)
    ### END SOLUTION

# %% tests="test_resnet_configs" points=2
# ResNet-18/34/50/101/152 built from torchvision's blocks must have torchvision's widths, block counts,
# parameter counts and depths.
# Models are built on the meta device: no memory, no initialization, only shapes.
import torch
import torch.nn as nn
import torchvision
from torchvision.models.resnet import BasicBlock as TvBasic, Bottleneck as TvBottleneck


class ReferenceBasic(TvBasic):
    """torchvision's BasicBlock with the (in_channels, channels, stride) signature and its own projection."""

    def __init__(self, in_channels, channels, stride=1):
        downsample = None
        if stride != 1 or in_channels != channels:
            downsample = nn.Sequential(nn.Conv2d(in_channels, channels, 1, stride, bias=False),
                                       nn.BatchNorm2d(channels))
        super().__init__(in_channels, channels, stride, downsample)


class ReferenceBottleneck(TvBottleneck):
    def __init__(self, in_channels, channels, stride=1):
        downsample = None
        if stride != 1 or in_channels != 4 * channels:
            downsample = nn.Sequential(nn.Conv2d(in_channels, 4 * channels, 1, stride, bias=False),
                                       nn.BatchNorm2d(4 * channels))
        super().__init__(in_channels, channels, stride, downsample)


def main_path_depth(model):
    """Convolutions outside the projections, plus Linear layers: the depth in the ResNet paper's sense."""
    projections = {id(m) for block in model.modules() if getattr(block, "downsample", None) is not None
                   for m in block.downsample.modules()}
    return sum(isinstance(m, (nn.Conv2d, nn.Linear)) and id(m) not in projections for m in model.modules())


def check_resnet(depth, num_classes=1000, stem="imagenet"):
    with torch.device("meta"):
        model = resnet(depth, num_classes=num_classes, stem=stem, basic_block=ReferenceBasic,
                       bottleneck_block=ReferenceBottleneck)
        reference = getattr(torchvision.models, f"resnet{depth}")(weights=None, num_classes=num_classes)
    got, expected = sum(p.numel() for p in model.parameters()), sum(p.numel() for p in reference.parameters())
    blocks = ["BasicBlock" if isinstance(m, TvBasic) else "Bottleneck" for m in model.modules()
              if isinstance(m, (TvBasic, TvBottleneck))]
    kind = "BasicBlock" if isinstance(reference.layer1[0], TvBasic) else "Bottleneck"
    expected_blocks = [kind] * sum(len(stage) for stage in (reference.layer1, reference.layer2, reference.layer3,
                                                             reference.layer4))
    assert model.fc.out_features == num_classes, (
        f"resnet({depth}, num_classes={num_classes}) ends with {model.fc.out_features} outputs, expected "
        f"{num_classes}: pass `num_classes` on to ResNet")
    assert blocks, (f"resnet({depth}, basic_block=..., bottleneck_block=...) built no block of the classes passed: "
                    "build the stages from basic_block or bottleneck_block, the arguments")
    assert set(blocks) == {kind}, (f"resnet({depth}) is built from {', '.join(sorted(set(blocks)))}; ResNet-{depth} "
                                   f"uses {kind}s: check the block type in the table")
    assert model.fc.in_features == reference.fc.in_features, (
        f"resnet({depth}) ends with {model.fc.in_features} channels, torchvision's ResNet-{depth} with "
        f"{reference.fc.in_features}: the widths are (width, 2 * width, 4 * width, 8 * width), the channels of the "
        "3x3 convolutions; a Bottleneck multiplies its width by its expansion, 4, itself")
    assert blocks == expected_blocks, (
        f"resnet({depth}) has {len(blocks)} blocks ({', '.join(sorted(set(blocks)))}), ResNet-{depth} has "
        f"{len(expected_blocks)} {kind}s: check the blocks per stage in the table")
    if stem == "cifar":  # a 3x3 stem convolution instead of 7x7, on 3 input channels with 64 filters
        expected -= (7 * 7 - 3 * 3) * 3 * 64
        if got == expected + (7 * 7 - 3 * 3) * 3 * 64:
            raise AssertionError(f"resnet({depth}, stem='cifar') has the ImageNet stem's 7x7 convolution: pass "
                                 "`stem` on to ResNet")
    assert got == expected, (f"resnet({depth}, num_classes={num_classes}, stem={stem!r}) has {got:,} parameters, "
                             f"expected {expected:,}: check the block type and the blocks per stage")
    assert main_path_depth(model) == depth, f"resnet({depth}) has {main_path_depth(model)} layers on its main path"


for depth in (18, 34, 50, 101, 152):
    check_resnet(depth)
print("resnet(18), (34), (50), (101) and (152) have torchvision's parameter counts and depths.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(6001)
for size in (18, 34, 50):
    check_resnet(size, num_classes=int(rng.integers(2, 200)), stem=str(rng.choice(["imagenet", "cifar"])))
### END HIDDEN TESTS

# %% tests="test_resnet_api" points=1
# Widths, a forward pass on a CIFAR-sized input, and a ValueError for depths without a configuration.
import torch
from cs_utils.checks import assert_shape, expect_value_error

model = resnet(18, num_classes=10, width=4, stem="cifar", basic_block=ReferenceBasic,
               bottleneck_block=ReferenceBottleneck)
assert model.fc.in_features == 32, f"resnet(18, width=4) should end with 8*4 = 32 channels, got {model.fc.in_features}"
assert model.stem[0].kernel_size == (3, 3), (
    f"resnet(18, stem='cifar') starts with a {model.stem[0].kernel_size} convolution, the ImageNet stem; the CIFAR "
    "stem is one 3x3 convolution: pass `stem` on to ResNet")
with torch.no_grad():
    assert_shape(model.eval()(torch.randn(2, 3, 32, 32)), (2, 10), "resnet(18, num_classes=10, width=4, stem='cifar')")
for bad in (20, 19):
    expect_value_error(lambda: resnet(bad, basic_block=ReferenceBasic, bottleneck_block=ReferenceBottleneck),
                       f"resnet({bad})", f"there is no ImageNet ResNet-{bad}")
print("resnet handles widths, classes and unknown depths.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
references = dict(basic_block=ReferenceBasic, bottleneck_block=ReferenceBottleneck)
model = resnet(50, num_classes=7, width=2, stem="cifar", **references)
assert model.fc.in_features == 64 and model.fc.out_features == 7, "resnet(50, width=2): 4 * 8 * 2 = 64 features"
with torch.no_grad():
    checks.assert_shape(model.eval()(torch.randn(1, 3, 20, 20)), (1, 7), "resnet(50, width=2) on a 20x20 input")
for bad in (0, 51, 110):
    checks.expect_value_error(lambda: resnet(bad, **references), f"resnet({bad})", f"there is no ResNet-{bad}")
### END HIDDEN TESTS

# %% [markdown]
# With your own blocks (the defaults), the counts should match torchvision's too:

# %% tags=["experiment"]
import torchvision

with torch.device("meta"):  # count parameters without allocating or initializing them
    for depth in (18, 34, 50, 101, 152):
        ours = count_params(resnet(depth))
        theirs = count_params(getattr(torchvision.models, f"resnet{depth}")(weights=None))
        print(f"ResNet-{depth:<3d} ours {ours:>11,} | torchvision {theirs:>11,} | "
              f"{'match' if ours == theirs else 'DIFFERENT'}")

# %% [markdown]
# ## 5. The degradation experiment
#
# He et al. test the puzzle on CIFAR-10 with networks of 6n + 2 layers: a 3×3 stem convolution,
# three stages of n basic blocks with 16, 32 and 64 filters on 32×32, 16×16 and 8×8 maps, global
# average pooling and the FC layer. n = 3 gives 20 layers, n = 9 gives 56. The **plain** networks
# are the same with the shortcuts removed, so plain and residual networks of the same depth have
# the same convolutions (our residual ones add the few 1×1 projections at the two stage changes;
# the paper used parameter-free zero-padding shortcuts there).
#
# We train all four, plain-20, plain-56, ResNet-20 and ResNet-56, with SGD (momentum 0.9, learning
# rate 0.1, weight decay 1e-4) from the same seeds, and record the training loss at every
# iteration. To fit the CPU budget, quick mode uses 4 filters in the first stage instead of 16,
# shrinks the digits to 16×16 and runs 70 iterations of batch 32 for each of 3 seeds; full mode
# runs the paper's widths on 32×32 CIFAR-10 images for 2,000 iterations of batch 128.

# %%
class PlainBlock(nn.Module):
    """A basic block without the shortcut: ReLU(bn2(conv2(ReLU(bn1(conv1(x)))))). Same convolutions as BasicBlock."""

    expansion = 1

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(num_features=out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(num_features=out_channels)

    def forward(self, x):
        return F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))  # no "+ shortcut(x)"


def cifar_net(depth, block, width=16, num_classes=10):
    """He et al.'s CIFAR network with 6n + 2 layers: three stages of n blocks (width, 2*width, 4*width)."""
    n = (depth - 2) // 6
    return ResNet(block, [n, n, n], num_classes=num_classes, widths=(width, 2 * width, 4 * width), stem="cifar")


for depth in (20, 56):
    plain, residual = cifar_net(depth, PlainBlock), cifar_net(depth, BasicBlock)
    print(f"depth {depth}: plain {count_params(plain):,} parameters, residual {count_params(residual):,}")
print("(paper: 0.27M for ResNet-20, 0.85M for ResNet-56)")

# %% tags=["experiment"]
from torch.utils.data import DataLoader
from tqdm.auto import tqdm

from cs_utils.torchdata import course_loaders

# What each training run should reach: typical numbers for these recipes, not measured on this machine.
TARGETS = {
    ("degradation", "quick"): "plain-56's loss stays near ln 10 = 2.3 while plain-20's falls, in every seed; "
                              "ResNet-56 well below plain-56; seconds per seed on a CPU",
    ("degradation", "full"): "plain-56 above plain-20 and ResNet-56 below plain-56 after 2,000 iterations, "
                             "about 2-3 min per seed on an A100/H100-class GPU (a training-loss comparison: "
                             "trained for 64k iterations, ResNet-20 reaches at least 91% test accuracy, "
                             "He et al. 2016: 91.25%)",
    ("ResNet-18", "quick"): "a narrow ResNet-18 (width 8) well above the 10% of guessing on the MNIST digits "
                            "after 2 epochs, under a minute on a CPU",
    ("ResNet-18", "full"): "ResNet-18 (CIFAR stem) at least 93% test accuracy on CIFAR-10 (typical for this "
                           "recipe: 40 epochs, crop and flip; 95% with 200 epochs), about 10 min on an "
                           "A100/H100-class GPU in bf16, about 20-30 min on a T4 in fp16",
}
mode = "quick" if is_quick() else "full"
print(f"{mode} mode target: {TARGETS['degradation', mode]}")
train_loader, val_loader, info = course_loaders(batch_size=128, seed=SEED)
print("data:", info["name"])
if is_quick():
    width, steps, batch_size, shrink, seeds = 4, 70, 32, 2, (0, 1, 2)
else:
    width, steps, batch_size, shrink, seeds = 16, 2000, 128, 1, (0, 1, 2)


def training_curve(model, seed):
    """Training loss at every iteration: SGD, momentum 0.9, lr 0.1, weight decay 1e-4, a fixed data order."""
    loader = DataLoader(train_loader.dataset, batch_size=batch_size, shuffle=True, drop_last=True,
                        generator=torch.Generator().manual_seed(seed), num_workers=0 if is_quick() else 4)
    model.to(device).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    losses = []
    while len(losses) < steps:
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            if shrink > 1:
                x = F.avg_pool2d(x, shrink)
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            losses.append(loss.detach())  # stays on the device: no host wait per step
            if len(losses) == steps:
                break
    return torch.stack(losses).cpu().numpy()  # one read from the device per run


runs = [(kind, depth) for kind in ("plain", "residual") for depth in (20, 56)]
curves = {run: [] for run in runs}


def run_seed(seed):
    """Train plain-20, plain-56, ResNet-20 and ResNet-56 from one seed; append their curves to `curves`."""
    for kind, depth in tqdm(runs, desc=f"seed {seed}"):
        reset_seed(seed)
        model = cifar_net(depth, PlainBlock if kind == "plain" else BasicBlock, width)
        curves[(kind, depth)].append(training_curve(model, seed))

# %% [markdown]
# One cell per seed keeps every cell short; to add a seed, run `run_seed(3)`.

# %% tags=["experiment"]
run_seed(seeds[0])

# %% tags=["experiment"]
run_seed(seeds[1])

# %% tags=["experiment"]
run_seed(seeds[2])

# %% tags=["experiment"]
def smooth(values, window):
    return np.convolve(values, np.ones(window) / window, mode="valid")


stacked = {run: np.stack(c) for run, c in curves.items()}  # (seeds run so far, steps) per network
n_seeds = len(stacked[runs[0]])
window = max(5, steps // 10)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
for ax, kind in zip(axes, ("plain", "residual")):
    for depth, color in ((20, "tab:blue"), (56, "tab:red")):
        smoothed = np.stack([smooth(c, window) for c in stacked[(kind, depth)]])
        x_axis = np.arange(window, steps + 1)
        ax.plot(x_axis, smoothed.mean(0), color=color, label=f"{kind}-{depth}")
        ax.fill_between(x_axis, smoothed.min(0), smoothed.max(0), color=color, alpha=0.2)
    ax.set_title(f"{kind} networks")
    ax.set_xlabel("iteration")
    ax.grid(alpha=0.3)
    ax.legend()
axes[0].set_ylabel(f"training loss ({window}-iteration mean)")
fig.tight_layout()
plt.show()
last = max(1, steps // 4)
final = {run: stacked[run][:, -last:].mean(axis=1) for run in runs}
print(f"mean training loss over the last {last} iterations (min-max over {n_seeds} seeds):")
for run in runs:
    print(f"  {run[0]:>8}-{run[1]}: {final[run].mean():.3f} ({final[run].min():.3f}-{final[run].max():.3f})")
print(f"plain-56 worse than plain-20 in {np.sum(final['plain', 56] > final['plain', 20])} of {n_seeds} seeds; "
      f"ResNet-56 better than plain-56 in {np.sum(final['residual', 56] < final['plain', 56])} of {n_seeds}; "
      f"ResNet-56 better than ResNet-20 in {np.sum(final['residual', 56] < final['residual', 20])} of {n_seeds}")

# %% [markdown]
# *Figure 1. Training loss per iteration of plain (left) and residual (right) networks with 20
# (blue) and 56 (red) layers; the line is the mean over seeds and the band the range. Left: the
# deeper plain network trains worse than the shallower one, on its own training data: the
# degradation problem. Right: with shortcuts, the 56-layer network trains far better than its plain
# twin.*
#
# How strong is this evidence? Quick mode shows a **weaker version** of the paper's result. Every
# run is short (70 iterations on 16×16 digits, with 4 to 16 channels), so the figure shows only the
# *start* of training: plain-56 barely moves from the initial loss of ln 10 ≈ 2.3 while plain-20
# is well on its way, in every seed, and the residual shortcuts remove most of that gap. But in
# such a short run ResNet-56 is still a little behind ResNet-20, and whether plain-56 would catch
# up later cannot be read from 70 iterations. The full run (2,000 iterations of CIFAR-10 at the
# paper's widths) is the better test; in the paper, over 64,000 iterations, plain-56 stays above
# plain-20 to the end, while ResNet-56 ends *below* ResNet-20: with residual connections, extra
# depth helps instead of hurting. On ImageNet the 152-layer ResNet is both the deepest and the most
# accurate of the family. The paper even trained a 1,202-layer ResNet on CIFAR-10 without
# trouble: it reached a training error below 0.1%, and only its test error (7.9%, against 6.4% for
# the 110-layer one) shows that so many layers overfit so small a dataset.
#
# ## 6. The training recipe
#
# The lecture's recipe for training ResNets:
#
# * **BatchNorm after every convolution** (our blocks and stem do this);
# * **He initialization** (`kaiming_normal_`, the "Xavier/2" of He et al.), done in `ResNet.__init__`;
# * **SGD with momentum 0.9**, learning rate **0.1, divided by 10 when the validation error
#   plateaus**; on CIFAR the paper fixed the drops in advance, at iterations 32k and 48k of 64k;
# * mini-batch size 256 on ImageNet (128 on CIFAR);
# * **weight decay 1e-4** (the paper's value; the slide prints 1e-5);
# * **no dropout**.
#
# Below, a CIFAR-style ResNet-18 built with your `resnet` trains with this recipe through
# `cs_utils.training.fit`, which runs **mixed precision** on a GPU: bf16 autocast where the GPU
# has it natively (compute capability 8.0 or more), else fp16 with a gradient scaler, plus
# `channels_last` memory layout for the tensor cores. `MultiStepLR` divides the learning rate by
# 10 at 50% and 75% of the epochs, where the plateaus fall in a run of that length. On a CPU in
# quick mode it trains a narrow model (width 8 instead of 64) in fp32 for 2 epochs on 2,000
# digits, with one division of the learning rate.

# %% tags=["experiment"]
from cs_utils.diagnostics import StepLog, plot_steps
from cs_utils.training import fit, result_line

print(f"{mode} mode target: {TARGETS['ResNet-18', mode]}")
reset_seed(SEED)
quick = is_quick()
N_TRAIN = 2000  # quick mode's digits (full mode: CIFAR-10's 45,000)
train_loader, val_loader, info = course_loaders(batch_size=64 if quick else 128, seed=SEED, n_train=N_TRAIN)
print("data:", info["name"])
epochs, width = (2, 8) if quick else (40, 64)
model_name = "ResNet-18 (width 8, quick)" if quick else "ResNet-18 (CIFAR)"
model = resnet(18, num_classes=info["num_classes"], width=width, stem="cifar")
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
milestones = [1] if quick else [epochs // 2, 3 * epochs // 4]
scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=milestones, gamma=0.1)
steps = StepLog()  # fit's loss function (cross-entropy) that also keeps every step's loss for the plot
history = fit(model, train_loader, val_loader, epochs=epochs, optimizer=optimizer, scheduler=scheduler, amp=True,
              channels_last=True, device=device, desc="ResNet-18", loss_fn=steps)
result_line(model_name, history)
print(f"ResNet-18 (width {width}, CIFAR stem): {count_params(model):,} parameters | device {history['device']} | "
      f"precision {history['precision']} | {sum(history['seconds']):.1f} s")
print(f"final validation accuracy {history['val_acc'][-1]:.3f} (chance: 0.100)")
for epoch in range(len(history["val_loss"])):
    print(f"epoch {epoch + 1}: training loss {history['train_loss'][epoch]:.3f} (mean over the epoch's steps) | "
          f"validation loss {history['val_loss'][epoch]:.3f}, accuracy {history['val_acc'][epoch]:.3f} (at its end)")
step_losses, step_accs = steps.values()
fig = plot_steps(step_losses, history, len(train_loader), step_accs, title="ResNet-18 with the lecture's recipe")
fig.axes[0].set_yscale("log")  # the first validation loss can sit far above the training curve
plt.show()

# %% [markdown]
# *Figure 2. Loss (left, on a log scale) and accuracy (right) of the ResNet-18: the training batches of every step
# (light blue) and their moving average (blue), and the validation set at the end of each epoch
# (orange). On the quick MNIST subset two epochs reach a validation accuracy far above the 10% of
# guessing; the full run on a GPU trains for 40 epochs on CIFAR-10 with two learning-rate drops,
# visible as steps in the training loss.*
#
# **Why is the first validation loss so high?** In quick mode the validation loss after epoch 1
# (printed above) is far above the training loss of the same epoch; after epoch 2 the gap has
# shrunk. The network did not forget how to classify: it is **BatchNorm's running statistics**.
# In training mode each BatchNorm normalizes with the mean and variance of the current batch; in
# eval mode, which `evaluate` uses, it normalizes with running averages that it updated after each
# training batch (`momentum=0.1`: each batch moves them 10% of the way). During the first epoch,
# at learning rate 0.1, the weights change a lot from step to step, so those averages mix the
# statistics of many earlier versions of the network and do not match the current one; the
# mismatch grows through the 18 layers, and the logits come out badly scaled. In epoch 2 the
# learning rate is 0.01 (the `MultiStepLR` milestone), the weights change slowly, the running
# averages catch up, and the gap between eval mode and training mode shrinks. The training curve
# itself (blue) falls smoothly through the whole run. (You can check this: at the epoch-1 weights,
# recompute the running statistics, with nothing else changed, by calling `reset_running_stats()`
# and setting `momentum=None` on every BatchNorm, then one pass over the training images in
# training mode under `torch.no_grad()`; the epoch-1 validation loss falls to about the training
# loss.)
#
# ## 7. Test accuracy, once
#
# The recipe was judged on the validation split. Now the test set is measured once, and the
# results go to the course's `results/` folder for notebook 12's chart.

# %% tags=["experiment"]
from torch.utils.flop_counter import FlopCounterMode

from cs_utils.torchdata import course_test_loader
from cs_utils.training import evaluate, save_results

test_loader, test_name = course_test_loader(seed=SEED, n_train=N_TRAIN)
print("test data:", test_name)
_, test_acc = evaluate(model, test_loader, channels_last=True)
result_line(model_name, history, test_acc=test_acc)
with FlopCounterMode(display=False) as counter, torch.no_grad():
    model.eval()(torch.zeros(1, 3, 32, 32, device=device))
path = save_results("11_resnet", model=model_name, accuracy=test_acc, val_accuracy=history["val_acc"][-1],
                    test_accuracy=test_acc, dataset=test_name, params=count_params(model),
                    flops=counter.get_total_flops(), wall_s=sum(history["seconds"]),
                    precision=history["precision"], device=history["device"], epochs=len(history["seconds"]),
                    mode=mode)
print("saved", path)

# %% [markdown]
# ### Where does the trained network look? Grad-CAM
#
# A ResNet ends with global average pooling, so each class score is a weighted sum of the last
# stage's feature maps, averaged over the image. **Grad-CAM** (Selvaraju et al., 2017) turns this
# into a picture: weight each channel of a late feature map by how much the class score grows when
# that channel grows (the gradient, averaged over the positions), add the weighted maps, and keep
# the positive part. Bright regions are the ones that raised the predicted class's score. Two
# hooks do it: a forward hook keeps the feature map and asks autograd to keep its gradient.

# %% tags=["experiment"]
def grad_cam(model, layer, x):
    """Grad-CAM of `layer` for the predicted class of each image: (N, H, W) maps scaled to [0, 1], and the logits."""
    kept = {}

    def keep(module, args, out):
        out.retain_grad()
        kept["maps"] = out

    hook = layer.register_forward_hook(keep)
    model.eval()
    with torch.enable_grad():
        logits = model(x)
        logits.gather(1, logits.argmax(1, keepdim=True)).sum().backward()  # each image's predicted class score
    hook.remove()
    maps, grads = kept["maps"].detach().float(), kept["maps"].grad.float()
    weights = grads.mean(dim=(2, 3), keepdim=True)  # one weight per channel
    cam = F.relu((weights * maps).sum(dim=1, keepdim=True))
    cam = F.interpolate(cam, size=x.shape[-2:], mode="bilinear", align_corners=False)[:, 0]
    model.zero_grad(set_to_none=True)
    return cam / cam.amax(dim=(1, 2), keepdim=True).clamp_min(1e-12), logits.detach()


x_val, y_val = next(iter(val_loader))
x_val, y_val = x_val[:8].to(device), y_val[:8]
layers = {"last stage (4x4)": model.stages[-1], "third stage (8x8)": model.stages[-2]}
cams = {name: grad_cam(model, layer, x_val) for name, layer in layers.items()}
predicted = cams["last stage (4x4)"][1].argmax(1).cpu()
fig, axes = plt.subplots(3, 8, figsize=(12, 5))
for i in range(8):
    picture = x_val[i].float().cpu().mean(0)
    axes[0, i].imshow(picture, cmap="gray")
    axes[0, i].set_title(f"label {info['classes'][y_val[i]]}, pred. {info['classes'][predicted[i]]}", fontsize=8)
    for row, (name, (cam, _)) in enumerate(cams.items(), 1):
        axes[row, i].imshow(picture, cmap="gray")
        axes[row, i].imshow(cam[i].cpu(), cmap="jet", alpha=0.5, vmin=0, vmax=1)
for row, name in enumerate(["input", *cams], 0):
    axes[row, 0].set_ylabel(name, fontsize=8)
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
plt.show()
print(f"{int((predicted == y_val).sum())} of 8 predicted correctly")

# %% [markdown]
# *Figure 3. Grad-CAM of the trained ResNet-18 for the predicted class of eight validation images:
# the input with its label and the prediction (top; the printed count says how many are right),
# and the Grad-CAM map (red: strongest, blue: zero) of the last stage (middle, computed on a 4×4 map
# and interpolated to 32×32) and of the third stage (bottom, 8×8). Read them with care: which
# images appear, and what their maps show, changes from run to run. The last stage's maps are
# coarse (each cell covers 8×8 input pixels) and need not lie on the digit: some cover the strokes,
# others mostly the background. The third stage's maps are finer and tend to pick out a few spots;
# where no channel adds positive evidence for the class, a map is blank. Grad-CAM shows which
# regions of one layer raised the score, for this network and this training run; it is a
# heuristic summary, not a proof of what the network "looks at".*

# %% [markdown]
# ## 8. More GPUs: `torchrun`
#
# One GPU trains this recipe in minutes. With several, the same recipe runs data-parallel:
# `scripts/train_cifar.py` in the course repository trains it (with torchvision's blocks, not
# yours) through the same `fit`. Run from the course root:
#
# ```bash
# torchrun --nproc_per_node=2 scripts/train_cifar.py --smoke --out /tmp/run.json
# ```
#
# `torchrun` starts one process per GPU (here 2) and tells each its rank. Each process wraps its
# copy of the model in `DistributedDataParallel`, which averages the gradients over all processes
# after every backward pass, so every copy takes the same step and the weights stay identical. A
# `DistributedSampler` gives each process its own shard of the data (with 2 processes, half of it
# each), and the global batch (128 in the recipe) is split evenly, 64 + 64. `--smoke` runs a few steps on the CPU
# (gloo backend) on synthetic CIFAR-shaped data, a test of the plumbing, not of accuracy; without
# it, the full recipe runs on the GPUs (NCCL backend). `--out` writes JSON with the world size, the
# first and last epoch's loss, and one checksum of the final weights per process, which must agree.

# %% [markdown]
# ## Summary
#
# * Deeper plain networks can train *worse* than shallower ones, with higher training error: an
#   optimization problem, not overfitting.
# * A residual block outputs ReLU(F(x) + x): its layers learn the change F(x) = H(x) − x, and doing
#   nothing (F = 0) is easy. With a zeroed last BatchNorm the block is exactly ReLU(shortcut(x)).
# * When the stride or the channels change, the shortcut is a 1×1 convolution with that stride plus
#   BatchNorm; otherwise it is the identity and costs nothing.
# * Basic blocks (two 3×3) build ResNet-18/34; bottleneck blocks (1×1 → 3×3 → 1×1, expansion 4)
#   build ResNet-50/101/152. A stem, four stages that double the filters and halve the size,
#   global average pooling and one FC layer: 11.7M parameters for ResNet-18, 25.6M for ResNet-50.
# * Recipe: BN after every conv, He initialization, SGD with momentum 0.9, learning rate 0.1
#   divided by 10 on plateaus, weight decay 1e-4, no dropout; mixed precision on a GPU.
#
# **Next:** notebook 12 compares every architecture of the course by accuracy, operations and
# parameters, as in Canziani et al.'s chart.
