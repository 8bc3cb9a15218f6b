# %% [markdown]
# # 09 · VGG: small filters, deeper networks
#
# **Week 7: Convolutional Neural Networks, notebook 9 of 12.**
#
# AlexNet (notebook 08) mixed 11×11, 5×5 and 3×3 filters with strides of 4 and 1. Two years later
# Simonyan and Zisserman (2014) asked what happens if a network uses **only 3×3 convolutions at
# stride 1, pad 1, and 2×2 max pools at stride 2**, and simply gets deeper: 16 or 19 layers
# instead of 8. The answer, VGGNet, took the ImageNet top-5 error from 11.7% (ZFNet, ILSVRC 2013)
# to 7.3% (ILSVRC 2014: 2nd in classification, 1st in localization). Its regular design makes it
# the easiest large network to write down, and its cost, in parameters and memory, is the
# clearest lesson in why later networks changed course.
#
# The lecture's notes on the paper: VGG trains much as AlexNet did, but drops AlexNet's local
# response normalization (LRN), which did not help; VGG-19 is only slightly better than VGG-16 and
# needs more memory; the best results come from an ensemble of several networks; and the 4,096
# features of the last hidden FC layer (FC7) work well for other tasks as well, which made
# pretrained VGG a common feature extractor.
#
# **Learning goals**
# 1. Explain why a stack of 3×3 convolutions beats one large filter: the same receptive field,
#    fewer parameters, more nonlinearity.
# 2. Write a VGG block (`vgg_block`): 3×3 convs with ReLU that keep the spatial size, then a pool
#    that halves it.
# 3. Build a config-driven `VGG` and check that VGG-16 has 138 million parameters, exactly as
#    `torchvision.models.vgg16`.
# 4. Compute the memory a forward pass needs per image from the activation counts, and see where
#    the parameters and the memory go.
# 5. Train a small VGG-style network.
#
# **How this notebook works.** Run the cells in order. Write your code where it says
# `YOUR CODE HERE` and delete the `raise NotImplementedError()` line. The test cell after an
# exercise checks your answer at once and says what is wrong. When you submit, hidden tests also
# try random channel counts, depths, input sizes and configurations, so make your code correct in
# general. `VGG` is built from your `vgg_block`, so make the block's tests pass first.

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
    describe_run("MNIST subset (real digits as 3x32x32 tensors) for training; shapes only for VGG-16/19", SEED)
    print(describe_dataset("mnist5k"))
else:
    describe_run("CIFAR-10 for training; shapes only for VGG-16/19", SEED)
    print(describe_dataset("cifar10"))
device = training_device()  # full mode stops here without a GPU (CS_ALLOW_CPU=1 to train on the CPU anyway)
print(f"device: {device} | torch {torch.__version__}")

# %% [markdown]
# ## 1. Why stacks of 3×3 convolutions?
#
# The lecture's argument has three parts.
#
# **Receptive field.** One 3×3 conv (stride 1) sees a 3×3 patch of its input. A second 3×3 conv on
# top sees 3×3 positions of the first layer, which together cover 5×5 input pixels; a third covers
# 7×7. In general *n* stacked 3×3 convs see a (2n + 1)×(2n + 1) patch: **three 3×3 layers have the
# same receptive field as one 7×7 layer.**
#
# **Fewer parameters.** With C channels in and out (and ignoring biases), one 7×7 layer has
# 7·7·C·C = 49C² weights; three 3×3 layers have 3·(3·3·C·C) = 27C². For C = 256 that is
# 3,211,264 against 1,769,472 weights.
#
# **More nonlinearity.** The stack applies three ReLUs where the single layer applies one, so the
# same receptive field computes a more expressive function, with fewer parameters, at lower cost.
#
# The next cell checks the receptive field directly. It stacks *n* 3×3 convs with all-one weights,
# asks autograd which input pixels the centre output depends on (the nonzero entries of its
# gradient), and does the same for a single 7×7 conv.

# %% tags=["experiment"]
def input_region(layers, size=15):
    """Which input pixels does the centre output depend on? (a boolean size x size map)"""
    x = torch.zeros(1, 1, size, size, requires_grad=True)
    out = layers(x)
    out[0, 0, out.shape[2] // 2, out.shape[3] // 2].backward()
    return (x.grad[0, 0] != 0).numpy()

def ones_conv(kernel):
    conv = nn.Conv2d(1, 1, kernel, padding=kernel // 2, bias=False)
    nn.init.ones_(conv.weight)
    return conv

regions = {f"{n} x (3x3)": input_region(nn.Sequential(*[ones_conv(3) for _ in range(n)])) for n in (1, 2, 3)}
regions["1 x (7x7)"] = input_region(ones_conv(7))
for name, region in regions.items():
    rows, cols = np.nonzero(region)
    print(f"{name:10s}: the centre output sees a {rows.max() - rows.min() + 1}x{cols.max() - cols.min() + 1} "
          "input patch")
fig, axes = plt.subplots(1, 4, figsize=(10, 2.8))
for ax, (name, region) in zip(axes, regions.items()):
    ax.imshow(region, cmap="Blues", vmin=0, vmax=1.3)
    ax.set_title(name, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
plt.show()

C = 256
print(f"weights, C = {C} channels in and out: one 7x7 layer {7 * 7 * C * C:,}; three 3x3 layers "
      f"{3 * 3 * 3 * C * C:,} ({3 * 9 / 49:.0%} of it), with 3 ReLUs instead of 1")

# %% [markdown]
# *Figure 1. The input pixels (blue) that the centre output of a 15×15 map depends on, for one,
# two and three stacked 3×3 convolutions and for a single 7×7 convolution. Three 3×3 layers reach
# exactly as far as one 7×7 layer.*

# %% [markdown]
# ## 2. The VGG block
#
# VGG has only two kinds of layer, and they are arranged in **blocks**: a few 3×3 convolutions at
# stride 1 with padding 1, each followed by a ReLU, then one 2×2 max pool at stride 2. With the
# output-size formula (N − F + 2P)/S + 1:
#
# * a 3×3 conv with stride 1 and pad 1 keeps the size: (N − 3 + 2)/1 + 1 = N, so a block can hold
#   any number of convs without shrinking the map;
# * the 2×2 pool at stride 2 halves it: (N − 2)/2 + 1 = N/2 (rounded down for odd N).
#
# So each block changes the number of channels (its first conv maps `in_channels` to
# `out_channels`, the others `out_channels` to `out_channels`) and halves the spatial size,
# exactly once, at its end.
#
# Parameters of a block: the first conv has `out·(3·3·in + 1)` (weights plus one bias per
# filter), each further conv `out·(3·3·out + 1)`. For VGG-16's first block, `vgg_block(3, 64, 2)`:
# 64·(27 + 1) = 1,792 plus 64·(576 + 1) = 36,928, a total of **38,720**.

# %% [markdown]
# ### Exercise 1: `vgg_block(in_channels, out_channels, num_convs)`
#
# Return an `nn.Module` (an `nn.Sequential` is the natural choice) that applies, in order,
#
# * `num_convs` times: `nn.Conv2d(…, kernel_size=3, stride=1, padding=1)` (with bias) and a ReLU,
#   the first conv from `in_channels` to `out_channels`, the others from `out_channels` to
#   `out_channels`;
# * then **one** `nn.MaxPool2d(kernel_size=2, stride=2)`.
#
# An input `(N, in_channels, H, W)` becomes `(N, out_channels, H // 2, W // 2)`. The tests check
# the output shape, count the parameters, and recompute the block from your conv weights with
# `torch.nn.functional`.

# %% solution="vgg_block"
def vgg_block(in_channels, out_channels, num_convs):
    """num_convs x (3x3 conv, stride 1, pad 1 -> ReLU), then a 2x2 max pool with stride 2."""
    ### BEGIN SOLUTION
    layers = []
    for i in range(num_convs):
        layers.append(nn.Conv2d(in_channels if i == 0 else out_channels, out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU(inplace=True))
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)
    ### END SOLUTION

# %% tests="test_vgg_block_shape" points=1
# The convs keep the spatial size and the single pool halves it (rounded down for odd sizes).
import torch

def check_block_shape(in_channels, out_channels, num_convs, n, h, w):
    block = vgg_block(in_channels, out_channels, num_convs)
    with torch.no_grad():
        out = block(torch.randn(n, in_channels, h, w))
    expected = (n, out_channels, h // 2, w // 2)
    got = tuple(out.shape)
    label = f"vgg_block({in_channels}, {out_channels}, {num_convs}) on x {(n, in_channels, h, w)}"
    if got[2:] == ((h - 2 * num_convs) // 2, (w - 2 * num_convs) // 2) and num_convs > 0:
        raise AssertionError(f"{label} gives {got}: each 3x3 conv shrinks the map by 2; use padding=1")
    if num_convs > 1 and got[2:] == (h // 2 ** num_convs, w // 2 ** num_convs):
        raise AssertionError(f"{label} gives {got}: the map was halved {num_convs} times; pool once, after "
                             "the last conv")
    assert got == expected, f"{label} has shape {got}, expected {expected}"

torch.manual_seed(0)
check_block_shape(3, 64, 2, 2, 32, 32)
check_block_shape(8, 16, 3, 1, 15, 9)
print("vgg_block keeps the size through its convs and halves it once.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(909)
for trial in range(8):
    cin, cout, k = int(rng.integers(1, 9)), int(rng.integers(1, 9)), int(rng.integers(1, 5))
    check_block_shape(cin, cout, k, int(rng.integers(1, 4)), int(rng.integers(2, 20)), int(rng.integers(2, 20)))
### END HIDDEN TESTS

# %% tests="test_vgg_block_params" points=1
# Parameters: out*(9*in + 1) for the first conv and out*(9*out + 1) for each further one, worked out above.
import importlib

import numpy as np
import torch

import cs_utils.model_checks

model_checks = importlib.reload(cs_utils.model_checks)  # a notebook cannot have changed it

def block_params(block):
    return sum(p.numel() for p in block.parameters())

model_checks.assert_convs_distinct(vgg_block(2, 4, 3), torch.randn(1, 2, 4, 4), 3, "vgg_block(2, 4, 3)")

got = block_params(vgg_block(3, 64, 2))
assert got != 64 * 27 + 64 * 576, "vgg_block(3, 64, 2) has 38,592 parameters: the convs need their biases"
assert got == 1792 + 36928, f"vgg_block(3, 64, 2) has {got:,} parameters, expected 1,792 + 36,928 = 38,720"
got = block_params(vgg_block(256, 512, 3))
expected = 512 * (9 * 256 + 1) + 2 * 512 * (9 * 512 + 1)
assert got == expected, (f"vgg_block(256, 512, 3) has {got:,} parameters, expected 512 * (9 * 256 + 1) + "
                         f"2 * 512 * (9 * 512 + 1) = {expected:,}")
got = block_params(vgg_block(64, 128, 1))
assert got == 128 * (9 * 64 + 1), f"vgg_block(64, 128, 1) has {got:,} parameters, expected {128 * 577:,}"
print("vgg_block(3, 64, 2) has 38,720 parameters.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(910)
for trial in range(8):
    cin, cout, k = int(rng.integers(1, 70)), int(rng.integers(1, 70)), int(rng.integers(1, 5))
    expected = cout * (9 * cin + 1) + (k - 1) * cout * (9 * cout + 1)
    got = block_params(vgg_block(cin, cout, k))
    assert got == expected, f"vgg_block({cin}, {cout}, {k}) has {got:,} parameters, expected {expected:,}"
### END HIDDEN TESTS

# %% tests="test_vgg_block_forward" points=2
# Recompute the block with torch.nn.functional from your conv weights, in float64.
import importlib

import torch
import torch.nn as nn
import torch.nn.functional as F
from cs_utils.checks import assert_close

import cs_utils.model_checks

model_checks = importlib.reload(cs_utils.model_checks)  # a notebook cannot have changed it

def block_reference(block, x, num_convs, relu_after_each=True):
    """num_convs x (conv3x3 pad 1 -> ReLU) then a 2x2 max pool, with the block's own conv weights;
    relu_after_each=False keeps only the last conv's ReLU, to name that mistake."""
    convs = [m for m in block.modules() if isinstance(m, nn.Conv2d)]
    if len(convs) < num_convs:
        model_checks.assert_convs_distinct(block, x, num_convs, "the block")
    assert len(convs) == num_convs, f"the block has {len(convs)} Conv2d layers, expected num_convs = {num_convs}"
    for i, conv in enumerate(convs):
        assert conv.bias is not None, "a conv in the block has no bias"
        x = F.conv2d(x, conv.weight, conv.bias, stride=1, padding=1)
        x = F.relu(x) if relu_after_each or i == len(convs) - 1 else x
    return F.max_pool2d(x, kernel_size=2, stride=2)

torch.manual_seed(1)
block = vgg_block(3, 5, 2).double()
x = torch.randn(2, 3, 12, 10, dtype=torch.float64)
with torch.no_grad():
    out = block(x)
    assert out.shape == (2, 5, 6, 5), f"vgg_block(3, 5, 2) on x (2, 3, 12, 10) has shape {tuple(out.shape)}"
    assert (out >= 0).all(), "the block's output has negative values: a ReLU must follow every conv"
    if torch.allclose(out, block_reference(block, x, 2, relu_after_each=False), rtol=1e-7, atol=1e-9):
        raise AssertionError("vgg_block(3, 5, 2) has one ReLU, after its last conv only: a ReLU follows every conv, "
                             "(conv -> ReLU) x num_convs -> max pool")
    assert_close(out, block_reference(block, x, 2), "vgg_block(3, 5, 2) vs conv-ReLU-conv-ReLU-maxpool "
                 "recomputed from its weights, x (2, 3, 12, 10)", rtol=1e-7, atol=1e-9)
print("vgg_block computes (conv3x3 -> ReLU) x num_convs -> maxpool 2x2.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
model_checks = importlib.reload(cs_utils.model_checks)  # block_reference uses it; the answer has run since
torch.manual_seed(911)
rng = np.random.default_rng(911)
for trial in range(8):
    cin, cout, k = int(rng.integers(1, 6)), int(rng.integers(1, 6)), int(rng.integers(1, 5))
    n, h, w = int(rng.integers(1, 4)), int(rng.integers(2, 17)), int(rng.integers(2, 17))
    block = vgg_block(cin, cout, k).double()
    x = torch.randn(n, cin, h, w, dtype=torch.float64)
    x_before = x.clone()
    with torch.no_grad():
        checks.assert_close(block(x), block_reference(block, x, k), f"vgg_block({cin}, {cout}, {k}) on x "
                            f"{tuple(x.shape)}", rtol=1e-7, atol=1e-9)
    checks.assert_close(x, x_before, "x after vgg_block: the input must not be modified")
### END HIDDEN TESTS

# %% [markdown]
# ## 3. The whole network from a configuration
#
# A VGG network is a list of blocks followed by AlexNet's classifier (FC 4096 → FC 4096 → FC 1000,
# with ReLU and dropout 0.5). We describe the blocks by a **configuration**: one pair
# `(num_convs, out_channels)` per block. The lecture's figure gives VGG-16 and VGG-19; the channels
# double after each pool until they reach 512:
#
# | block | VGG-16 | VGG-19 | output at 224×224 input |
# |---|---|---|---|
# | 1 | 2 × conv3-64 | 2 × conv3-64 | 112 × 112 × 64 |
# | 2 | 2 × conv3-128 | 2 × conv3-128 | 56 × 56 × 128 |
# | 3 | 3 × conv3-256 | 4 × conv3-256 | 28 × 28 × 256 |
# | 4 | 3 × conv3-512 | 4 × conv3-512 | 14 × 14 × 512 |
# | 5 | 3 × conv3-512 | 4 × conv3-512 | 7 × 7 × 512 |
# | | FC 4096, FC 4096, FC 1000 | same | |
#
# 13 conv + 3 FC = 16 weight layers, and 16 + 3 = 19. Five pools shrink 224 to 224 / 2⁵ = 7, so
# the first FC layer sees 7·7·512 = 25,088 values.

# %%
VGG11_CONFIG = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))   # VGG's configuration "A"
VGG16_CONFIG = ((2, 64), (2, 128), (3, 256), (3, 512), (3, 512))   # configuration "D"
VGG19_CONFIG = ((2, 64), (2, 128), (4, 256), (4, 512), (4, 512))   # configuration "E"
for name, config in [("VGG-11", VGG11_CONFIG), ("VGG-16", VGG16_CONFIG), ("VGG-19", VGG19_CONFIG)]:
    print(f"{name}: {sum(n for n, _ in config)} conv layers + 3 FC layers = "
          f"{sum(n for n, _ in config) + 3} weight layers")

# %% [markdown]
# ### Exercise 2: `VGG(config, num_classes=1000, in_channels=3, image_size=224, hidden=4096, dropout=0.5)`
#
# Build the network as an `nn.Module` with two parts, applied in this order:
#
# * `self.features`: an `nn.Sequential` of `vgg_block(c_in, c_out, num_convs)`, one per
#   `(num_convs, c_out)` pair of `config`; the first block takes `in_channels`, each next block the
#   previous block's `c_out`;
# * `self.classifier`: flatten → `nn.Linear(C_last · s · s, hidden)` → ReLU → `nn.Dropout(dropout)`
#   → `nn.Linear(hidden, hidden)` → ReLU → `nn.Dropout(dropout)` → `nn.Linear(hidden, num_classes)`,
#   where `C_last` is the last block's channels and `s = image_size // 2 ** len(config)` is the
#   spatial size after the last pool.
#
# The input is `(N, in_channels, image_size, image_size)` and the output the class scores
# `(N, num_classes)`. The defaults give the ImageNet networks; `image_size=32` and a small `hidden`
# give CIFAR-sized ones. The tests compare VGG-16 and VGG-19 layer by layer with
# `torchvision.models.vgg16` / `vgg19` (built with `weights=None` on the meta device: shapes only,
# no memory, nothing downloaded), count the parameters, recompute a small network's forward pass
# from your weights, and check that in training mode dropout acts after the ReLUs of the first two
# FC layers and nowhere else.

# %% solution="vgg"
class VGG(nn.Module):
    """A VGG network: config-driven vgg_blocks, then FC-ReLU-dropout, FC-ReLU-dropout, FC."""

    def __init__(self, config, num_classes=1000, in_channels=3, image_size=224, hidden=4096, dropout=0.5):
        super().__init__()
        ### BEGIN SOLUTION
        blocks = []
        channels = in_channels
        for num_convs, out_channels in config:
            blocks.append(vgg_block(channels, out_channels, num_convs))
            channels = out_channels
        self.features = nn.Sequential(*blocks)
        size = image_size // 2 ** len(config)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(channels * size * size, hidden), nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Linear(hidden, hidden), nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Linear(hidden, num_classes),
        )
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        return self.classifier(self.features(x))
        ### END SOLUTION

# %% tests="test_vgg_structure" points=2
# VGG-16 and VGG-19 layer by layer against torchvision (on the meta device: shapes only, no memory), and a
# small grey-scale network whose image size is not a multiple of 2 ** len(config).
import importlib

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

import cs_utils.model_checks

model_checks = importlib.reload(cs_utils.model_checks)  # a notebook cannot have changed it


def why_layers_do_not_fit(model, x, in_channels):
    """The cause, when model(x) fails: a conv whose input channels are not the previous conv's output, or a
    first Linear whose in_features are not what the blocks give."""
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    if convs and convs[0].in_channels != in_channels:
        return f"the first Conv2d takes {convs[0].in_channels} channels, the input has in_channels = {in_channels}"
    for previous, conv in zip(convs, convs[1:]):
        if conv.in_channels != previous.out_channels:
            return (f"a Conv2d takes {conv.in_channels} channels where the conv before it gives "
                    f"{previous.out_channels}: each block takes the previous block's c_out")
    seen = []
    hooks = [m.register_forward_pre_hook(lambda module, args: seen.append((module, args[0].shape)))
             for m in model.modules() if isinstance(m, nn.Linear)]
    try:
        model(x)
    except RuntimeError:
        pass
    finally:
        for hook in hooks:
            hook.remove()
    if seen and seen[0][1][-1] != seen[0][0].in_features:
        return (f"the blocks give {seen[0][1][-1]} features per image, but the first Linear takes "
                f"{seen[0][0].in_features}: C_last * s * s with s = image_size // 2 ** len(config), as each block "
                "ends with one 2x2 max pool at stride 2 (which rounds down)")
    return "the layers do not fit together"


def weight_shapes(model, image_size=224, in_channels=3, label="VGG"):
    """([(kind, weight shape)] of every Conv2d and Linear in the order the forward pass runs them, and
    the output) on a meta batch of 2. Call order, not definition order: __init__ may create the
    classifier before the blocks."""
    x = torch.empty(2, in_channels, image_size, image_size, device="meta")
    try:
        out, calls = model_checks.layer_calls(model.eval(), x, (nn.Conv2d, nn.Linear))
    except RuntimeError as err:
        raise AssertionError(f"{label} failed on x {tuple(x.shape)} ({err}): "
                             f"{why_layers_do_not_fit(model, x, in_channels)}") from None
    return [(type(module).__name__, tuple(module.weight.shape)) for module, _, _ in calls], out

for name, config, reference in [
        ("VGG-16", ((2, 64), (2, 128), (3, 256), (3, 512), (3, 512)), torchvision.models.vgg16),
        ("VGG-19", ((2, 64), (2, 128), (4, 256), (4, 512), (4, 512)), torchvision.models.vgg19)]:
    with torch.device("meta"):
        (ours, _), (theirs, _) = weight_shapes(VGG(config), label=f"VGG({name} config)"), weight_shapes(
            reference(weights=None))
    assert len(ours) == len(theirs), f"VGG({name} config) has {len(ours)} conv/FC layers, torchvision {len(theirs)}"
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert a == b, f"VGG({name} config): layer {i} is {a[0]} with weight {a[1]}, torchvision has {b[0]} {b[1]}"
    with torch.device("meta"):
        out = VGG(config, num_classes=10).eval()(torch.empty(2, 3, 224, 224))
    assert tuple(out.shape) == (2, 10), f"VGG({name} config, num_classes=10) on 2 images: shape {tuple(out.shape)}"

# Grey-scale images of a size that 2 ** len(config) does not divide: each 2x2 pool rounds down.
config, label = ((1, 4), (2, 8)), "VGG(((1, 4), (2, 8)), num_classes=5, in_channels=1, image_size=23, hidden=16)"
with torch.device("meta"):
    model = VGG(config, num_classes=5, in_channels=1, image_size=23, hidden=16)
    s = F.max_pool2d(F.max_pool2d(torch.empty(1, 1, 23, 23), 2), 2).shape[-1]
conv_inputs = [m.in_channels for m in model.modules() if isinstance(m, nn.Conv2d)]
assert 1 in conv_inputs, (f"{label}: no Conv2d takes 1 input channel (their in_channels are {conv_inputs}): the "
                          "first block takes in_channels, not a fixed 3")
if not any(isinstance(m, nn.modules.lazy.LazyModuleMixin) for m in model.modules()):
    fc_inputs = [m.in_features for m in model.modules() if isinstance(m, nn.Linear)]
    assert 8 * s * s in fc_inputs, (
        f"{label}: the Linear layers take {fc_inputs} features; the first should take C_last * s * s = "
        f"8 * {s} * {s} = {8 * s * s}, with s = image_size // 2 ** len(config) = 23 // 4 = {s}: s follows "
        f"image_size and the number of blocks, and rounds down as each pool does (23 -> 11 -> {s})")
expected = [("Conv2d", (4, 1, 3, 3)), ("Conv2d", (8, 4, 3, 3)), ("Conv2d", (8, 8, 3, 3)),
            ("Linear", (16, 8 * s * s)), ("Linear", (16, 16)), ("Linear", (5, 16))]
with torch.device("meta"):
    got, out = weight_shapes(model, 23, 1, label)
assert got == expected, f"{label}: layers {got}, expected {expected}"
assert tuple(out.shape) == (2, 5), f"{label} on 2 images: shape {tuple(out.shape)}, expected (2, 5)"
print("VGG-16 and VGG-19 have torchvision's layers, in torchvision's order.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(912)
for trial in range(8):
    nblocks = int(rng.integers(1, 5))
    config = tuple((int(rng.integers(1, 4)), int(rng.integers(1, 40))) for _ in range(nblocks))
    cin, k, hidden = int(rng.integers(1, 5)), int(rng.integers(2, 50)), int(rng.integers(8, 70))
    size = 2 ** nblocks * int(rng.integers(1, 4)) + int(rng.integers(0, 2 ** nblocks))
    s = size // 2 ** nblocks
    expected, c = [], cin
    for n, cout in config:
        expected += [("Conv2d", (cout, c, 3, 3))] + [("Conv2d", (cout, cout, 3, 3))] * (n - 1)
        c = cout
    expected += [("Linear", (hidden, c * s * s)), ("Linear", (hidden, hidden)), ("Linear", (k, hidden))]
    with torch.device("meta"):
        model = VGG(config, num_classes=k, in_channels=cin, image_size=size, hidden=hidden)
        got, out = weight_shapes(model, size, cin, f"VGG({config}, {k}, {cin}, {size}, {hidden})")
    assert got == expected, f"VGG({config}, {k}, {cin}, {size}, {hidden}): layers {got}, expected {expected}"
    assert tuple(out.shape) == (2, k), f"VGG({config}, {k}, {cin}, {size}, {hidden}): output {tuple(out.shape)}"
### END HIDDEN TESTS

# %% tests="test_vgg_params" points=1
# 138,357,544 parameters for VGG-16 and 143,667,240 for VGG-19, as in torchvision.
import torch
import torch.nn as nn
import torchvision

def n_params(model, image_size=224, in_channels=3):
    """The parameter count; a lazy module (nn.LazyLinear) gets its shapes from one pass over a meta batch first."""
    if any(isinstance(p, nn.parameter.UninitializedParameter) for p in model.parameters()):
        with torch.no_grad():
            model.eval()(torch.empty(1, in_channels, image_size, image_size, device="meta"))
    return sum(p.numel() for p in model.parameters())

for name, config, reference in [
        ("VGG-16", ((2, 64), (2, 128), (3, 256), (3, 512), (3, 512)), torchvision.models.vgg16),
        ("VGG-19", ((2, 64), (2, 128), (4, 256), (4, 512), (4, 512)), torchvision.models.vgg19)]:
    with torch.device("meta"):
        ours, theirs = n_params(VGG(config)), n_params(reference(weights=None))
    assert ours == theirs, f"VGG({name} config) has {ours:,} parameters, torchvision's {name} {theirs:,}"
    print(f"{name}: {ours:,} parameters")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(913)
for trial in range(8):
    nblocks = int(rng.integers(1, 6))
    config = tuple((int(rng.integers(1, 4)), int(rng.integers(1, 100))) for _ in range(nblocks))
    cin, k, hidden = int(rng.integers(1, 5)), int(rng.integers(2, 2000)), int(rng.integers(8, 600))
    size = 2 ** nblocks * int(rng.integers(1, 8))
    expected, c = 0, cin
    for n, cout in config:
        expected += cout * (9 * c + 1) + (n - 1) * cout * (9 * cout + 1)
        c = cout
    s = size // 2 ** nblocks
    expected += hidden * (c * s * s + 1) + hidden * (hidden + 1) + k * (hidden + 1)
    with torch.device("meta"):
        got = n_params(VGG(config, num_classes=k, in_channels=cin, image_size=size, hidden=hidden, dropout=0.3),
                       size, cin)
    assert got == expected, f"VGG({config}, {k}, {cin}, {size}, {hidden}) has {got:,} parameters, expected {expected:,}"
### END HIDDEN TESTS

# %% tests="test_vgg_forward" points=2
# A small VGG's forward pass recomputed with torch.nn.functional from its own weights (eval mode), and in
# training mode dropout after the ReLUs of the first two FC layers, nowhere else.
import importlib

import torch
import torch.nn as nn
import torch.nn.functional as F

import cs_utils.model_checks
from cs_utils.checks import assert_close

model_checks = importlib.reload(cs_utils.model_checks)  # a notebook cannot have changed it
FC_NAMES = ("the first Linear", "the second Linear", "the third Linear")

def vgg_reference(model, x, config):
    """config's blocks (conv3x3-ReLU ..., maxpool) and the 3-layer classifier, with the model's weights."""
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    fcs = [m for m in model.modules() if isinstance(m, nn.Linear)]
    assert len(convs) == sum(n for n, _ in config) and len(fcs) == 3, (
        f"the model has {len(convs)} Conv2d and {len(fcs)} Linear layers, expected {sum(n for n, _ in config)} and 3")
    convs = iter(convs)
    for num_convs, _ in config:
        for _ in range(num_convs):
            conv = next(convs)
            x = F.relu(F.conv2d(x, conv.weight, conv.bias, padding=1))
        x = F.max_pool2d(x, 2, 2)
    x = F.relu(F.linear(x.flatten(1), fcs[0].weight, fcs[0].bias))
    x = F.relu(F.linear(x, fcs[1].weight, fcs[1].bias))
    return F.linear(x, fcs[2].weight, fcs[2].bias)

torch.manual_seed(2)
config = ((1, 4), (2, 8))
model = VGG(config, num_classes=5, in_channels=3, image_size=16, hidden=32).double().eval()
x = torch.randn(4, 3, 16, 16, dtype=torch.float64)
with torch.no_grad():
    if not torch.equal(model(x), model(x)):
        raise AssertionError("VGG(((1, 4), (2, 8)), num_classes=5, image_size=16, hidden=32) in eval mode gives "
                             "different scores for the same x: dropout is still on in eval mode. F.dropout drops "
                             "whatever the mode unless told training=self.training; nn.Dropout follows model.eval() "
                             "by itself")
    assert_close(model(x), vgg_reference(model, x, config), "VGG(((1, 4), (2, 8)), num_classes=5, image_size=16, "
                 "hidden=32) in eval mode vs the blocks and classifier recomputed from its weights",
                 rtol=1e-7, atol=1e-9)
FLOAT64 = {"rtol": 1e-7, "atol": 1e-12}  # these models run in float64
model_checks.assert_dropout_before(model, x, 0.5, {1, 2}, FC_NAMES,
                                   "VGG(((1, 4), (2, 8)), num_classes=5, image_size=16, hidden=32)", **FLOAT64)
# At 0.5, dropping with probability p and keeping with probability p look alike; at 0.25 they do not.
model = VGG(config, num_classes=5, in_channels=3, image_size=16, hidden=64, dropout=0.25).double()
model_checks.assert_dropout_before(model, x, 0.25, {1, 2}, FC_NAMES,
                                   "VGG(((1, 4), (2, 8)), num_classes=5, image_size=16, hidden=64, dropout=0.25)",
                                   **FLOAT64)
print("VGG's forward pass is its blocks, then FC-ReLU-dropout, FC-ReLU-dropout, FC.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
torch.manual_seed(914)
rng = np.random.default_rng(914)
for trial in range(5):
    nblocks = int(rng.integers(1, 4))
    config = tuple((int(rng.integers(1, 3)), int(rng.integers(1, 7))) for _ in range(nblocks))
    cin, k, hidden = int(rng.integers(1, 4)), int(rng.integers(2, 9)), int(rng.integers(4, 20))
    size = 2 ** nblocks * int(rng.integers(1, 4))
    model = VGG(config, num_classes=k, in_channels=cin, image_size=size, hidden=hidden, dropout=0.0).double().train()
    x = torch.randn(int(rng.integers(1, 4)), cin, size, size, dtype=torch.float64)
    x_before = x.clone()
    with torch.no_grad():
        checks.assert_close(model(x), vgg_reference(model, x, config), f"VGG({config}, {k}, {cin}, {size}, {hidden}, "
                            f"dropout=0.0) on x {tuple(x.shape)}", rtol=1e-7, atol=1e-9)
    checks.assert_close(x, x_before, "x after VGG's forward pass: the input must not be modified")
model = VGG(((1, 3),), num_classes=4, in_channels=2, image_size=4, hidden=64, dropout=0.5).double().eval()
x = torch.randn(3, 2, 4, 4, dtype=torch.float64)
with torch.no_grad():
    checks.assert_close(model(x), vgg_reference(model, x, ((1, 3),)), "VGG with dropout 0.5 in eval mode",
                        rtol=1e-7, atol=1e-9)
model = VGG(((2, 5), (1, 6)), num_classes=3, in_channels=2, image_size=8, hidden=48, dropout=0.3).double()
label = "VGG(((2, 5), (1, 6)), num_classes=3, in_channels=2, image_size=8, hidden=48, dropout=0.3)"
x = torch.randn(5, 2, 8, 8, dtype=torch.float64)
model_checks.assert_dropout_before(model, x, 0.3, {1, 2}, FC_NAMES, label, **FLOAT64)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Where the 138 million parameters live
#
# Your `VGG` with `VGG16_CONFIG` has the 138M parameters that CS231n's VGG slides quote, more than
# twice AlexNet's 62M. The next cell (meta tensors again, so nothing is allocated) lists them by layer.

# %%
with torch.device("meta"):
    vgg16 = VGG(VGG16_CONFIG)
layers = [(type(m).__name__, tuple(m.weight.shape), sum(p.numel() for p in m.parameters()))
          for m in vgg16.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
total = sum(count for _, _, count in layers)
conv_total = sum(count for kind, _, count in layers if kind == "Conv2d")
for i, (kind, shape, count) in enumerate(layers, 1):
    print(f"layer {i:2d} {kind:7s} weight {str(shape):22s} {count:>12,}")
print(f"total {total:,}: conv layers {conv_total / total:.0%}, FC layers {1 - conv_total / total:.0%}, "
      f"the first FC layer alone {layers[13][2] / total:.0%}")

# %% [markdown]
# 89% of the parameters sit in the three FC layers, 74% in the first one alone (25,088 × 4,096
# weights). The convolutions hold only 14.7M parameters, yet they do almost all of the ~15.5
# billion multiply-adds per image (notebook 12 counts them). GoogLeNet and ResNet remove this
# imbalance by replacing the large FC layers with global average pooling.
#
# ## 5. Memory per image for a forward pass
#
# Training keeps every layer's output for the backward pass, so memory depends on the
# **activations**, not only the parameters. A VGG-16 table in CS231n's slides (which our lecture's
# case studies follow) counts, for each layer, the values of its output: the 224×224×3 input is
# 150K values, each of the first two conv layers outputs 224×224×64 = 3.2M, and so on down to the
# 1,000 class scores. The next cell computes the same table with forward hooks on
# `torchvision.models.vgg16(weights=None)` on the meta device. A ReLU works in place, so we count
# the output of each conv, pool and FC layer once.

# %%
import torchvision

def activation_table(model, image_size=224):
    """[(layer kind, output shape, number of output values per image)], input included."""
    rows = [("input", (3, image_size, image_size), 3 * image_size * image_size)]
    hooks = [m.register_forward_hook(lambda module, args, out: rows.append(
        (type(module).__name__, tuple(out.shape[1:]), out[0].numel())))
        for m in model.modules() if isinstance(m, (nn.Conv2d, nn.MaxPool2d, nn.Linear))]
    model.eval()(torch.empty(1, 3, image_size, image_size, device="meta"))
    for hook in hooks:
        hook.remove()
    return rows

with torch.device("meta"):
    rows = activation_table(torchvision.models.vgg16(weights=None))
for kind, shape, values in rows:
    print(f"{kind:9s} {str(shape):17s} {values:>10,}")
values = sum(v for _, _, v in rows)
print(f"\nTOTAL activations: {values:,} values per image")
print(f"forward memory at 4 bytes per value (float32): {values * 4 / 1e6:.0f} MB per image; "
      f"roughly twice that with the gradients of the backward pass")
print(f"parameters: 138,357,544 x 4 bytes = {138357544 * 4 / 1e6:.0f} MB, shared by every image in the batch")

# %% [markdown]
# The activations add up to about **15.2 million values, 61 MB per image** in float32 for the
# forward pass alone. The CS231n slide states its total as "24M × 4 bytes ≈ 96 MB / image", but its
# own rows add up to the 15.2M above: the slide's 24M is an addition error, and 61 MB is the right
# total. What matters is the order of magnitude, tens of megabytes per image, and two conclusions:
#
# * **Memory is spent early, parameters late.** The first two conv layers hold 42% of all
#   activations (two 3.2M maps), while they have only 0.03% of the parameters; the FC layers are the
#   reverse.
# * **Batch size is limited by activations.** A batch of 128 images needs 128 × 61 MB ≈ 7.8 GB just
#   for the forward activations (about twice that with the backward pass), on top of 553 MB of
#   weights (and as much again for their gradients, and more for the optimizer's state).

# %% tags=["experiment"]
cumulative = np.cumsum([v for _, _, v in rows]) / sum(v for _, _, v in rows)
fig, ax = plt.subplots(figsize=(8, 3))
ax.bar(range(len(rows)), [v / 1e6 for _, _, v in rows], color="tab:blue")
ax.set_xticks(range(len(rows)), [kind.replace("MaxPool2d", "pool").replace("Conv2d", "conv").replace("Linear", "fc")
                                 for kind, _, _ in rows], rotation=90, fontsize=8)
ax.set_ylabel("million values per image", color="tab:blue")
running = ax.twinx()
running.plot(range(len(rows)), 100 * cumulative, color="tab:red", marker=".")
running.set_ylabel("running total (%)", color="tab:red")
running.set_ylim(0, 105)
ax.set_title("VGG-16 activations per layer (224x224 input)")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 2. Output values per image of each VGG-16 layer (blue bars) and their running total as a
# share of all activations (red line). Most of the activation memory is spent in the first blocks, at full
# and half resolution.*
#
# ## 6. Training a small VGG-style network
#
# VGG-16 needs ImageNet and days of GPU time. The same design at CIFAR scale is cheap: a few blocks
# of 3×3 convs on 32×32 images. In quick mode we train a 4-conv network with 16–64 channels on the
# MNIST subset in seconds on a CPU; in full mode, the 8-conv VGG-11 layout (configuration "A",
# 64–512 channels) on CIFAR-10 on the GPU.
#
# One warning about the optimizer. The paper trained VGG like AlexNet, with SGD (momentum 0.9,
# learning rate 1e-2, weight decay 5e-4), but a deep VGG without normalization is hard to start:
# the authors first trained the shallow configuration A and used its weights to initialize the
# first conv layers and the FC layers of the deeper nets. With PyTorch's default initialization
# and that SGD recipe, our 8-conv network was still at the chance-level loss of ln 10 ≈ 2.30 after
# 150 steps in our tests. Adam adapts each parameter's step size and gets going at once, so we use it
# here (with a cosine learning-rate schedule in full mode). BatchNorm (notebook 06) and ResNet's
# initialization (notebook 11) are the lasting fixes.

# %% tags=["experiment"]
import time

from torch.utils.flop_counter import FlopCounterMode

from cs_utils.plotting import plot_history
from cs_utils.torchdata import course_loaders, course_test_loader
from cs_utils.training import evaluate, fit, result_line, save_results

# What each mode should reach: typical numbers for this recipe, not measured on this machine.
TARGETS = {
    "quick": "small VGG (4 convs) above 90% validation accuracy on the MNIST digits within 3 epochs, "
             "under a minute on a CPU",
    "full": "VGG-11 without BatchNorm about 85-88% test accuracy on CIFAR-10 (typical for this recipe: Adam, "
            "cosine schedule, 30 epochs, crop and flip; VGG-16 with BatchNorm and SGD reaches about 93%), "
            "about 5 min on an A100/H100-class GPU, 15-20 min on a T4",
}
mode = "quick" if is_quick() else "full"
print(f"{mode} mode target: {TARGETS[mode]}")

reset_seed(SEED)
train_loader, val_loader, info = course_loaders(batch_size=64 if is_quick() else 128, seed=SEED)
print("data:", info["name"])
if is_quick():
    config, hidden, epochs = ((1, 16), (1, 32), (2, 64)), 128, 3
else:
    config, hidden, epochs = VGG11_CONFIG, 512, 30
model_name = "small VGG (quick)" if is_quick() else "VGG-11 (CIFAR)"
model = VGG(config, num_classes=info["num_classes"], in_channels=info["in_channels"],
            image_size=info["image_size"], hidden=hidden, dropout=0.5)
print(f"config {config}: {sum(n for n, _ in config)} conv + 3 FC layers, "
      f"{sum(p.numel() for p in model.parameters()):,} parameters")
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
scheduler = None if is_quick() else torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
start = time.perf_counter()
history = fit(model, train_loader, val_loader, epochs=epochs, optimizer=optimizer, scheduler=scheduler,
              device=device, desc="small VGG" if is_quick() else "VGG-11")
wall_s = time.perf_counter() - start
result_line(model_name, history)
print(f"device {history['device']} ({history['precision']}) | final validation accuracy "
      f"{history['val_acc'][-1]:.3f} (chance: 0.100)")
for epoch, (train_acc, val_acc) in enumerate(zip(history["train_acc"], history["val_acc"]), 1):
    print(f"epoch {epoch}: training accuracy {train_acc:.3f} (dropout on, averaged over the epoch) | "
          f"validation accuracy {val_acc:.3f} (dropout off, at the epoch's end)")
fig = plot_history(history, title=f"VGG-style network, config {config}")
plt.show()

# %% [markdown]
# *Figure 3. Training and validation loss (left) and accuracy (right) of the VGG-style network, one
# point per epoch. In quick mode it passes 90% validation accuracy on the digits within three
# epochs, against 10% for guessing.*
#
# Why is the training accuracy *below* the validation accuracy (the printed lines above)? Not
# because the validation digits are easier. Two things make the training numbers pessimistic:
# **dropout** is active while training, so every training prediction comes from a network with half
# of its FC units switched off, while `evaluate` runs the model in eval mode with dropout off; and
# the training accuracy is an **average over the whole epoch**, including its first steps, when the
# network was worse, while the validation accuracy is measured once, at the end of the epoch.
#
# ## 7. Test accuracy, once
#
# The epochs and learning rate were chosen on the validation split. Now the test set is measured
# once, and the results go to the course's `results/` folder for notebook 12's chart.

# %% tags=["experiment"]
test_loader, test_name = course_test_loader(seed=SEED)
print("test data:", test_name)
_, test_acc = evaluate(model, test_loader)
result_line(model_name, history, test_acc=test_acc)
with FlopCounterMode(display=False) as counter, torch.no_grad():
    model.eval()(torch.zeros(1, info["in_channels"], info["image_size"], info["image_size"], device=device))
path = save_results("09_vgg", model=model_name, accuracy=test_acc, val_accuracy=history["val_acc"][-1],
                    test_accuracy=test_acc, dataset=test_name, params=sum(p.numel() for p in model.parameters()),
                    flops=counter.get_total_flops(), wall_s=wall_s, precision=history["precision"],
                    device=history["device"], epochs=len(history["seconds"]), mode=mode)
print("saved", path)

# %% [markdown]
# ## 8. What did the network learn?
#
# Zeiler and Fergus (2013) looked inside a trained network layer by layer: the first layers respond
# to edges and blobs, the middle layers to combinations of them, the last layers to whole
# object parts. We can look at our trained network the same way. A **forward hook**
# (`module.register_forward_hook(fn)`) lets us read every layer's output without changing the
# model's code: PyTorch calls `fn(module, inputs, output)` after the module runs. The next cell
# hooks every convolution, runs one validation image through the network, and shows the ReLU
# output of the first (low), a middle and the last (high) convolution.

# %% tags=["experiment"]
def conv_activations(model, x):
    """{conv index: ReLU(conv output) for x}, read with forward hooks on every Conv2d of the model."""
    outputs = {}
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    # clone: an in-place ReLU after the conv would otherwise overwrite the stored tensor
    hooks = [conv.register_forward_hook(lambda module, args, out, i=i: outputs.__setitem__(i, F.relu(out).clone()))
             for i, conv in enumerate(convs)]
    model.eval()
    with torch.no_grad():
        logits = model(x)
    for hook in hooks:
        hook.remove()
    return outputs, logits


images, labels = next(iter(val_loader))
image = images[:1].to(device)
activations, logits = conv_activations(model, image)
layers = {"low": 0, "middle": (len(activations) - 1) // 2, "high": len(activations) - 1}
fig, axes = plt.subplots(3, 9, figsize=(13, 4.9))
for row, (name, index) in enumerate(layers.items()):
    maps = activations[index][0].float().cpu()
    strongest = maps.sum(dim=(1, 2)).argsort(descending=True)[:8]  # the 8 channels with the most activation
    axes[row, 0].imshow(image[0].cpu().permute(1, 2, 0).mean(-1), cmap="gray")
    axes[row, 0].set_title("input", fontsize=8)
    axes[row, 0].set_ylabel(f"{name}: conv {index + 1}\n{maps.shape[1]}x{maps.shape[2]}, {maps.shape[0]} ch.",
                            fontsize=8)
    for col, channel in enumerate(strongest.tolist(), 1):
        axes[row, col].imshow(maps[channel], cmap="viridis")
        axes[row, col].set_title(f"channel {channel}", fontsize=8)
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
plt.show()
print(f"label {info['classes'][labels[0]]}, predicted {info['classes'][logits.argmax(1).item()]}")
for name, index in layers.items():
    maps = activations[index][0]
    print(f"{name:6s} conv {index + 1}: {tuple(maps.shape)} (channels, height, width), "
          f"{(maps > 0).float().mean().item():.0%} of the values are positive")

# %% [markdown]
# *Figure 4. One validation image (left column) and the eight most active channels (by summed
# activation) of three convolutions of the trained network, after their ReLU; each map has its own
# colour scale, and dark is zero. In quick mode (a digit): the first convolution keeps the digit's
# shape, each channel picking out strokes, edges on one side, or the background; the middle one
# (half the resolution) responds to parts of strokes; the last one, at a quarter of the resolution,
# gives a few coarse blobs that say where something was found, no longer what the digit looks
# like. Deeper maps are smaller, and the last one is the sparsest (the printed share of positive
# values).*
#
# A single picture shows what the network does on one image. To see where it fails, run it on
# the whole validation set and count its errors: the **confusion matrix** has one row per true
# class and one column per predicted class, so the diagonal holds the correct predictions and each
# off-diagonal cell counts one kind of mistake. `cs_utils.diagnostics` holds these small helpers
# (`predict`, `confusion_matrix`, `plot_confusion`, `show_misclassified`); read them, they are a
# few lines each.

# %% tags=["experiment"]
from cs_utils.diagnostics import confusion_matrix, plot_confusion, predict, show_misclassified

val_images, val_labels, val_preds, val_probs = predict(model, val_loader)
matrix = confusion_matrix(val_labels, val_preds, info["num_classes"])
print(f"validation accuracy {np.trace(matrix) / matrix.sum():.3f} ({matrix.sum() - np.trace(matrix)} errors "
      f"in {matrix.sum()} images)")
off_diagonal = matrix - np.diag(np.diag(matrix))
pairs = np.dstack(np.unravel_index(np.argsort(-off_diagonal, axis=None)[:3], matrix.shape))[0]
print("most frequent confusions:", ", ".join(f"{info['classes'][t]} taken for {info['classes'][p]} "
                                           f"({off_diagonal[t, p]}x)" for t, p in pairs))
fig = plot_confusion(matrix, info["classes"], title="small VGG, validation set")
plt.show()
fig, shown = show_misclassified(val_images, val_labels, val_preds, val_probs, info["classes"], n=16,
                                title="the 16 most confident mistakes: true -> predicted (confidence)")
plt.show()

# %% [markdown]
# *Figure 5. Top: the confusion matrix of the trained network on the validation set (counts; rows
# are the true classes, columns the predictions). Almost everything is on the diagonal; the largest
# off-diagonal cells, printed above, are the pairs the network mixes up. Bottom: the misclassified
# validation images on which the network was most confident. In quick mode most of them are
# digits a person reads at once, which the small network, trained for three epochs, gets wrong
# with a confidence above 0.8: a high softmax probability is not a guarantee, and the errors
# concentrate on a few classes (here, many digits taken for a 3).*

# %% [markdown]
# ## Summary
#
# * VGG uses only 3×3 convs (stride 1, pad 1), which keep the spatial size, and 2×2 max pools
#   (stride 2), which halve it: 8 layers (AlexNet) became 16–19.
# * Three stacked 3×3 convs see a 7×7 patch, like one 7×7 conv, with 27C² instead of 49C² weights
#   and three ReLUs instead of one.
# * A `vgg_block` is num_convs × (conv3×3 → ReLU) then one pool; a configuration of
#   `(num_convs, channels)` pairs describes the whole network.
# * VGG-16 has 138M parameters (VGG-19 144M), 89% of them in the FC layers, and its forward pass
#   keeps about 15.2M activations per image (61 MB in float32), most of them in the first blocks.
#   VGG-19 is only slightly better than VGG-16 for that extra cost.
# * Forward hooks read any layer's output: early feature maps keep the image's layout, late ones are
#   small, sparse and abstract. A confusion matrix and the most confident mistakes show where a
#   trained network fails.
#
# **Next:** notebook 10 builds GoogLeNet, which goes deeper still (22 layers) with 12× fewer
# parameters than AlexNet, using Inception modules, 1×1 bottlenecks and global average pooling.
