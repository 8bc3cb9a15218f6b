# %% [markdown]
# # 08 · LeNet-5 and AlexNet
#
# **Week 7: Convolutional Neural Networks, notebook 8 of 12.**
#
# Notebooks 01–07 built every piece of a ConvNet: convolution, stride and padding, pooling,
# backpropagation, normalization and dropout. From here on we study whole architectures, the case
# studies of the lecture. This notebook starts with the two networks that bracket fourteen years
# of history: **LeNet-5** (LeCun, Bottou, Bengio & Haffner, 1998), which read handwritten digits
# on bank cheques, and **AlexNet** (Krizhevsky, Sutskever & Hinton, 2012), which won the ImageNet
# challenge by a wide margin and started the deep learning era in computer vision.
#
# **Learning goals**
# 1. Read the ImageNet (ILSVRC) history chart: which networks won, how deep they were, and how far
#    the error fell.
# 2. Build LeNet-5 in PyTorch (`LeNet5`) and train it on real digits.
# 3. Compute AlexNet's output shape and parameter count layer by layer with the formula
#    (N − F + 2P)/S + 1, the lecture's table (`alexnet_shapes`).
# 4. Build AlexNet as an `nn.Module` (`AlexNet`), check it against your table and compare it with
#    `torchvision.models.alexnet`, including the famous 224 vs 227 discrepancy.
# 5. Write the training step by hand (`train_one_epoch`, `evaluate_model`): device moves, forward, loss,
#    `zero_grad`, backward, step, and evaluation in eval mode without gradients, before
#    `cs_utils.training.fit` does it for you.
#
# **How this notebook works.** Run the cells in order. Write your code where it says
# `YOUR CODE HERE` and delete the `raise NotImplementedError()` line. The test cell after an
# exercise checks your answer at once and says what is wrong. When you submit, hidden tests also
# try other input sizes, channel counts and numbers of classes, so make your code correct in
# general, not only for the visible examples. The five exercises are independent: a mistake in
# one does not cost points in another.

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
    describe_run("MNIST subset (real digits as 3x32x32 tensors) for training; shapes only for AlexNet", SEED)
    print(describe_dataset("mnist5k"))
else:
    describe_run("CIFAR-10 for training; shapes only for AlexNet", SEED)
    print(describe_dataset("cifar10"))
device = training_device()  # full mode stops here without a GPU (CS_ALLOW_CPU=1 to train on the CPU anyway)
print(f"device: {device} | torch {torch.__version__}")

# %% [markdown]
# ## 1. A short history: the ImageNet challenge
#
# The ImageNet Large Scale Visual Recognition Challenge (ILSVRC) ran from 2010 to 2017. Its
# classification task has 1,000 classes and about 1.2 million training images. The score is the
# **top-5 error**: a prediction counts as correct when the true class is among the model's five
# best guesses. The lecture's chart shows the winners year by year; the next cell redraws it from
# the published numbers.

# %% tags=["experiment"]
ilsvrc = [  # (year, entry, top-5 error in %, depth in layers or None when not a deep net)
    ("2010", "Lin et al.", 28.2, None),
    ("2011", "Sánchez &\nPerronnin", 25.8, None),
    ("2012", "Krizhevsky et al.\n(AlexNet)", 16.4, 8),
    ("2013", "Zeiler &\nFergus (ZFNet)", 11.7, 8),
    ("2014", "Simonyan &\nZisserman (VGG)", 7.3, 19),
    ("2014", "Szegedy et al.\n(GoogLeNet)", 6.7, 22),
    ("2015", "He et al.\n(ResNets)", 3.57, 152),
    ("2016", "Shao et al.", 2.99, None),
    ("2017", "Hu et al.\n(SENet)", 2.25, None),
    ("human", "Russakovsky\net al.", 5.1, None),
]
fig, ax = plt.subplots(figsize=(11, 4))
colors = ["0.6"] * 2 + ["tab:blue"] * 7 + ["tab:orange"]
bars = ax.bar(range(len(ilsvrc)), [row[2] for row in ilsvrc], color=colors)
for i, (year, entry, error, depth) in enumerate(ilsvrc):
    ax.text(i, error + 0.5, f"{error:g}", ha="center", fontsize=9)
    if depth:
        ax.text(i, error / 2, f"{depth}\nlayers", ha="center", va="center", color="white", fontsize=8)
ax.set_xticks(range(len(ilsvrc)), [f"{year}\n{entry}" for year, entry, _, _ in ilsvrc], fontsize=7.5)
ax.set_ylabel("top-5 error (%)")
ax.set_title("ILSVRC classification winners")
ax.set_ylim(0, 32)
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 1. Winning top-5 error on the ILSVRC classification task, as in the lecture's chart
# (grey: hand-engineered features; blue: ConvNets; orange: one trained human annotator). Sources:
# 2010 NEC–UIUC, Lin et al., CVPR 2011; 2011 XRCE, Sánchez & Perronnin, CVPR 2011; 2012
# SuperVision, Krizhevsky et al., NeurIPS 2012 (16.4% for five CNNs trained on the challenge data;
# 15.3% with extra pre-training data); 2013 Clarifai, Zeiler & Fergus, ECCV 2014; 2014 VGG
# (second place), Simonyan & Zisserman, ICLR 2015, and GoogLeNet (6.66%), Szegedy et al., CVPR 2015;
# 2015 ResNet, He et al., CVPR 2016 (3.57% for an ensemble of six ResNets of different depths, two
# of them with 152 layers, the depth written on the bar; one ResNet-152 alone: 4.49% on the
# validation set); 2016 Trimps-Soushen (Shao et al.), ILSVRC 2016 results;
# 2017 SENet, Hu et al., CVPR 2018; human error, Russakovsky et al., IJCV 2015.*
#
# Two jumps stand out: 2012, when AlexNet cut the error from 25.8% to 16.4% with a ConvNet
# trained on GPUs, and 2014–2015, when networks went from 8 layers to 19, 22 and 152. The
# notebooks that follow study those networks: VGG (09), GoogLeNet (10) and ResNet (11).

# %% [markdown]
# ## 2. LeNet-5 (1998)
#
# LeNet-5 is the lecture's first architecture: **convolutions, subsampling, full connection**.
# It takes a 32×32 image and alternates 5×5 convolutions (stride 1, no padding) with 2×2
# subsampling (average pooling, stride 2), then finishes with fully connected layers. The
# activation is `tanh`, the standard choice before ReLU.
#
# | layer | operation | output (C, H, W) | parameters |
# |---|---|---|---|
# | input | | (1, 32, 32) | |
# | C1 | 6 filters 5×5, then tanh | (6, 28, 28) | 6·(5·5·1 + 1) = 156 |
# | S2 | 2×2 average pool, stride 2 | (6, 14, 14) | 0 |
# | C3 | 16 filters 5×5, then tanh | (16, 10, 10) | 16·(5·5·6 + 1) = 2,416 |
# | S4 | 2×2 average pool, stride 2 | (16, 5, 5) | 0 |
# | C5 | fully connected 400 → 120, then tanh | (120,) | 120·(400 + 1) = 48,120 |
# | F6 | fully connected 120 → 84, then tanh | (84,) | 84·(120 + 1) = 10,164 |
# | output | fully connected 84 → 10 (class scores) | (10,) | 10·(84 + 1) = 850 |
#
# Total: **61,706 parameters**, the "about 60K" usually quoted. Every count is
# (weights per filter or unit + 1 bias) × (number of filters or units). Each convolution shrinks
# the map by 4 (32 → 28, 14 → 10) and each pool halves it, so C5 sees a 5×5×16 volume: a 5×5
# convolution over it and a fully connected layer on its 400 values are the same thing.
#
# The original differs in details that have not survived: C3 connected each of its maps to only
# some of S2's maps (1,516 parameters instead of 2,416), the subsampling layers had a trainable
# coefficient and bias, the tanh was scaled, and the output layer used radial basis functions.

# %% [markdown]
# ### Exercise 1: `LeNet5(in_channels=1, num_classes=10)`
#
# Write LeNet-5 as an `nn.Module`, exactly as the table says:
#
# * `nn.Conv2d(in_channels, 6, 5)` → tanh → 2×2 average pool (stride 2) →
#   `nn.Conv2d(6, 16, 5)` → tanh → 2×2 average pool → flatten →
#   `nn.Linear(400, 120)` → tanh → `nn.Linear(120, 84)` → tanh → `nn.Linear(84, num_classes)`.
# * Input `(N, in_channels, 32, 32)`, output the class scores (logits) `(N, num_classes)`, with no
#   softmax: the loss applies it.
# * Use `nn.Tanh` / `torch.tanh` and `nn.AvgPool2d` / `F.avg_pool2d`. Keep the biases (the
#   default). C5 may be a `Linear(400, 120)` or, equivalently, a `Conv2d(16, 120, 5)`.
#
# The tests count the parameters (61,706 for the defaults), check the shapes after C1 and C3,
# and recompute the forward pass from your layers' weights in float64.

# %% solution="lenet5"
class LeNet5(nn.Module):
    """LeNet-5: x (N, in_channels, 32, 32) -> class scores (N, num_classes)."""

    def __init__(self, in_channels=1, num_classes=10):
        super().__init__()
        ### BEGIN SOLUTION
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, kernel_size=5), nn.Tanh(), nn.AvgPool2d(kernel_size=2, stride=2),
            nn.Conv2d(6, 16, kernel_size=5), nn.Tanh(), nn.AvgPool2d(kernel_size=2, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(16 * 5 * 5, 120), nn.Tanh(),
            nn.Linear(120, 84), nn.Tanh(),
            nn.Linear(84, num_classes),
        )
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        return self.classifier(self.features(x))
        ### END SOLUTION

# %% tests="test_lenet_shapes" points=1
# Output shapes, and the shapes after C1 and C3 (caught with forward hooks on the conv layers).
import importlib

import numpy as np
import torch
import torch.nn as nn

import cs_utils.model_checks

model_checks = importlib.reload(cs_utils.model_checks)  # a notebook cannot have changed it


def conv_output_shapes(model, x):
    """Run model(x) and return (output, [per-image output shape of each Conv2d, in call order])."""
    out, calls = model_checks.layer_calls(model, x, nn.Conv2d)
    return out, [tuple(result.shape[1:]) for _, _, result in calls]

torch.manual_seed(0)
out, shapes = conv_output_shapes(LeNet5(), torch.randn(2, 1, 32, 32))
assert tuple(out.shape) == (2, 10), f"LeNet5()(x) with x (2, 1, 32, 32) has shape {tuple(out.shape)}, expected (2, 10)"
assert shapes[:2] == [(6, 28, 28), (16, 10, 10)], (
    f"the first two Conv2d layers output {shapes[:2]} per image, expected C1 (6, 28, 28) and C3 (16, 10, 10): "
    "5x5 filters, stride 1, no padding, and a 2x2 pool in between")
out = LeNet5(in_channels=3, num_classes=7)(torch.randn(4, 3, 32, 32))
assert tuple(out.shape) == (4, 7), (f"LeNet5(in_channels=3, num_classes=7) on x (4, 3, 32, 32) gives shape "
                                    f"{tuple(out.shape)}, expected (4, 7)")
out = LeNet5()(torch.randn(1, 1, 32, 32))
if tuple(out.shape) != (1, 10):
    raise AssertionError(f"LeNet5() on a batch of one image, x (1, 1, 32, 32), gives shape {tuple(out.shape)}, "
                         "expected (1, 10)" + (": .squeeze() removes the batch axis too when N = 1; flatten from "
                                               "dim 1 with torch.flatten(x, 1)" if out.dim() == 1 else ""))
print("LeNet5: (N, C, 32, 32) -> C1 (6, 28, 28) -> C3 (16, 10, 10) -> (N, num_classes).")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(808)
for trial in range(4):
    n, c, k = int(rng.integers(1, 5)), int(rng.integers(1, 6)), int(rng.integers(2, 30))
    out, shapes = conv_output_shapes(LeNet5(in_channels=c, num_classes=k), torch.randn(n, c, 32, 32))
    assert tuple(out.shape) == (n, k), f"LeNet5({c}, {k}) on x ({n}, {c}, 32, 32): shape {tuple(out.shape)}"
    assert shapes[:2] == [(6, 28, 28), (16, 10, 10)], f"LeNet5({c}, {k}): conv outputs {shapes[:2]}"
### END HIDDEN TESTS

# %% tests="test_lenet_params" points=1
# The parameter count worked out in the table above: weights plus one bias per filter or unit.
import numpy as np
import torch.nn as nn

def count_params(model):
    return sum(p.numel() for p in model.parameters())

got = count_params(LeNet5())
assert got != 156 - 6 + 2416 - 16 + 48120 - 120 + 10164 - 84 + 850 - 10, "LeNet5 has no biases: keep bias=True"
assert got == 156 + 2416 + 48120 + 10164 + 850, f"LeNet5() has {got:,} parameters, expected 61,706 (see the table)"
got = count_params(LeNet5(in_channels=3, num_classes=7))
assert got == 6 * (5 * 5 * 3 + 1) + 2416 + 48120 + 10164 + 7 * (84 + 1), (
    f"LeNet5(in_channels=3, num_classes=7) has {got:,} parameters; C1 should have 6*(5*5*3 + 1) and the output "
    "layer 7*(84 + 1)")
print("LeNet5 has 61,706 parameters.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(809)
for trial in range(6):
    c, k = int(rng.integers(1, 9)), int(rng.integers(2, 200))
    expected = 6 * (25 * c + 1) + 16 * (25 * 6 + 1) + 120 * (400 + 1) + 84 * (120 + 1) + k * (84 + 1)
    got = sum(p.numel() for p in LeNet5(in_channels=c, num_classes=k).parameters())
    assert got == expected, f"LeNet5(in_channels={c}, num_classes={k}) has {got:,} parameters, expected {expected:,}"
### END HIDDEN TESTS

# %% tests="test_lenet_forward" points=2
# Recompute LeNet-5's forward pass with torch.nn.functional from your layers' own weights, in float64.
import torch
import torch.nn as nn
import torch.nn.functional as F
from cs_utils.checks import assert_close

def lenet_reference(model, x, in_channels, num_classes, act=torch.tanh, pool=F.avg_pool2d):
    """LeNet-5's forward pass written with F.*, using the weights of model's layers (found by shape);
    ``act`` and ``pool`` swap in other activations and pooling, to name a mistake."""
    by_shape = {tuple(m.weight.shape): m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))}
    def layer(*shapes):
        for shape in shapes:
            if shape in by_shape:
                return by_shape[shape].weight.reshape(shape[0], -1), by_shape[shape].bias
        raise AssertionError(f"LeNet5 has no layer with weight shape {shapes[0]}; its layers have {list(by_shape)}")
    (w1, b1), (w3, b3) = layer((6, in_channels, 5, 5)), layer((16, 6, 5, 5))
    (w5, b5), (w6, b6), (w7, b7) = layer((120, 400), (120, 16, 5, 5)), layer((84, 120)), layer((num_classes, 84))
    for b in (b1, b3, b5, b6, b7):
        assert b is not None, "a LeNet5 layer has no bias: keep bias=True"
    h = pool(act(F.conv2d(x, w1.reshape(6, in_channels, 5, 5), b1)), 2)
    h = pool(act(F.conv2d(h, w3.reshape(16, 6, 5, 5), b3)), 2).flatten(1)
    h = act(F.linear(h, w5, b5))
    h = act(F.linear(h, w6, b6))
    return F.linear(h, w7, b7)

torch.manual_seed(1)
model = LeNet5(in_channels=1, num_classes=10).double().eval()
x = torch.randn(3, 1, 32, 32, dtype=torch.float64)
with torch.no_grad():
    out = model(x)
    for act, pool, habit in [(F.relu, F.max_pool2d, "ReLU and max pooling"), (F.relu, F.avg_pool2d, "ReLU"),
                             (torch.tanh, F.max_pool2d, "max pooling"), (torch.sigmoid, F.avg_pool2d, "sigmoid"),
                             (torch.sigmoid, F.max_pool2d, "sigmoid and max pooling")]:
        if torch.allclose(out, lenet_reference(model, x, 1, 10, act, pool), rtol=1e-6, atol=1e-8):
            raise AssertionError(f"LeNet5 uses {habit}, a later habit; the 1998 network of the lecture uses tanh "
                                 "after every layer but the last, and average pooling")
    if torch.allclose(out, torch.tanh(lenet_reference(model, x, 1, 10)), rtol=1e-6, atol=1e-8):
        raise AssertionError("LeNet5 applies tanh to the class scores too: the last Linear's output is the scores "
                             "(logits), with no activation after it; the loss applies the softmax")
    assert_close(out, lenet_reference(model, x, 1, 10), "LeNet5()(x) vs conv-tanh-avgpool-...-linear "
                 "recomputed from its weights, x (3, 1, 32, 32)", rtol=1e-6, atol=1e-8)
print("LeNet5's forward pass is conv-tanh-avgpool twice, then linear-tanh, linear-tanh, linear.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
torch.manual_seed(810)
for trial in range(4):
    c, k, n = int(torch.randint(1, 6, ())), int(torch.randint(2, 40, ())), int(torch.randint(1, 5, ()))
    if c == 6 or k in (84, 120):
        continue
    model = LeNet5(in_channels=c, num_classes=k).double().eval()
    x = 3 * torch.randn(n, c, 32, 32, dtype=torch.float64)
    x_before = x.clone()
    with torch.no_grad():
        checks.assert_close(model(x), lenet_reference(model, x, c, k), f"LeNet5({c}, {k}) on x {tuple(x.shape)}",
                            rtol=1e-6, atol=1e-8)
    checks.assert_close(x, x_before, "x after LeNet5's forward pass: the input must not be modified")
### END HIDDEN TESTS

# %% [markdown]
# ## 3. AlexNet (2012): the shape table
#
# AlexNet is LeNet made large: five convolution layers and three fully connected ones, 60 million
# parameters, trained on two GPUs for about a week. The lecture gives its full (simplified)
# architecture:
#
# ```
# [227x227x3]  INPUT
# [55x55x96]   CONV1: 96 11x11 filters at stride 4, pad 0
# [27x27x96]   MAX POOL1: 3x3 filters at stride 2
# [27x27x96]   NORM1: Normalization layer
# [27x27x256]  CONV2: 256 5x5 filters at stride 1, pad 2
# [13x13x256]  MAX POOL2: 3x3 filters at stride 2
# [13x13x256]  NORM2: Normalization layer
# [13x13x384]  CONV3: 384 3x3 filters at stride 1, pad 1
# [13x13x384]  CONV4: 384 3x3 filters at stride 1, pad 1
# [13x13x256]  CONV5: 256 3x3 filters at stride 1, pad 1
# [6x6x256]    MAX POOL3: 3x3 filters at stride 2
# [4096]       FC6: 4096 neurons
# [4096]       FC7: 4096 neurons
# [1000]       FC8: 1000 neurons (class scores)
# ```
#
# Every spatial size follows from notebook 02's formula: a layer with filter size F, stride S and
# padding P turns an N×N input into an **(N − F + 2P)/S + 1** output, rounded down when the
# division is not exact (as PyTorch does). Worked examples:
#
# * **CONV1.** (227 − 11 + 0)/4 + 1 = 216/4 + 1 = **55**, and 96 filters give 55×55×96.
#   Each filter is 11×11×3 = 363 weights plus a bias, so CONV1 has 96 · (363 + 1) = **34,944**
#   parameters: the "35K" of CS231n's AlexNet slides.
# * **POOL1.** (55 − 3)/2 + 1 = **27**: 27×27×96. Pooling has **no parameters**, and the depth is
#   unchanged. These are *overlapping* pools: 3×3 windows at stride 2.
# * **NORM1.** Local response normalization rescales each activation by its neighbours across
#   channels. Shape unchanged, no parameters.
# * **FC6** sees the 6×6×256 = 9,216 values of POOL3 flattened, so it has 4,096 · (9,216 + 1)
#   parameters.
#
# In PyTorch an activation volume is stored channel first, so below we write CONV1's output as
# `(96, 55, 55)`, not 55×55×96.

# %% [markdown]
# ### Exercise 2: `alexnet_shapes(input_size=227, num_classes=1000)`
#
# Return AlexNet's table as a list of 13 tuples `(name, output_shape, params)`, one per layer, in
# order:
#
# * `name`: `"CONV1"`, `"POOL1"`, `"NORM1"`, `"CONV2"`, `"POOL2"`, `"NORM2"`, `"CONV3"`, `"CONV4"`,
#   `"CONV5"`, `"POOL3"`, `"FC6"`, `"FC7"`, `"FC8"`;
# * `output_shape`: the shape of one image's output, channel first, as a tuple of ints:
#   `(C, H, W)` for the conv, pool and norm layers, `(units,)` for the fully connected ones;
# * `params`: the layer's number of learnable parameters, **weights and biases**, as an int.
#
# The input is `input_size × input_size × 3`; every other hyperparameter is the lecture's (above),
# and FC8 has `num_classes` units. Compute the numbers with the formula; do not build a network.
# For example `alexnet_shapes()[0] == ("CONV1", (96, 55, 55), 34944)`. Inputs of other sizes
# change every spatial size and FC6's parameter count, and the hidden tests try some.

# %% solution="alexnet_shapes"
def alexnet_shapes(input_size=227, num_classes=1000):
    """AlexNet's per-layer table: a list of (name, (C, H, W) or (units,), number of parameters)."""
    ### BEGIN SOLUTION
    def out_size(n, f, s, p):
        return (n - f + 2 * p) // s + 1

    table = []
    channels, size = 3, input_size
    for name, kind, filters, f, s, p in [
        ("CONV1", "conv", 96, 11, 4, 0), ("POOL1", "pool", None, 3, 2, 0), ("NORM1", "norm", None, 0, 0, 0),
        ("CONV2", "conv", 256, 5, 1, 2), ("POOL2", "pool", None, 3, 2, 0), ("NORM2", "norm", None, 0, 0, 0),
        ("CONV3", "conv", 384, 3, 1, 1), ("CONV4", "conv", 384, 3, 1, 1), ("CONV5", "conv", 256, 3, 1, 1),
        ("POOL3", "pool", None, 3, 2, 0),
    ]:
        params = 0
        if kind == "conv":
            params = filters * (f * f * channels + 1)
            channels = filters
        if kind != "norm":
            size = out_size(size, f, s, p)
        table.append((name, (channels, size, size), params))
    units_in = channels * size * size
    for name, units in [("FC6", 4096), ("FC7", 4096), ("FC8", num_classes)]:
        table.append((name, (units,), units * (units_in + 1)))
        units_in = units
    return table
    ### END SOLUTION

# %% [markdown]
# Print your table (this cell is not graded):

# %%
for name, shape, params in alexnet_shapes():
    print(f"{name:6s} {str(shape):18s} {params:>12,}")
print(f"total parameters: {sum(row[2] for row in alexnet_shapes()):,}")

# %% tests="test_alexnet_shapes" points=2
# The lecture's table at 227x227, and torchvision's AlexNet where its spatial sizes correspond.
import numpy as np
import torch
import torch.nn as nn
import torchvision

NAMES = ["CONV1", "POOL1", "NORM1", "CONV2", "POOL2", "NORM2", "CONV3", "CONV4", "CONV5", "POOL3", "FC6", "FC7", "FC8"]

def as_table(rows, label):
    """Normalise a student's table to [(NAME, tuple of ints, int)], with clear messages."""
    assert rows is not None, f"{label} returned None: did you forget to return the table?"
    rows = list(rows)
    assert len(rows) == 13, f"{label} has {len(rows)} rows, expected 13 ({', '.join(NAMES)})"
    table = []
    for row in rows:
        assert len(row) == 3, f"{label}: each row should be (name, output_shape, params), got {row!r}"
        name, shape, params = row
        assert float(params) == int(params), f"{label}: {name}'s parameter count {params!r} is not a whole number"
        table.append((str(name).upper().replace(" ", ""), tuple(int(v) for v in shape), int(params)))
    assert [r[0] for r in table] == NAMES, f"{label}: layer names {[r[0] for r in table]}, expected {NAMES}"
    return table

table = as_table(alexnet_shapes(), "alexnet_shapes()")
lecture = {"CONV1": (96, 55, 55), "POOL1": (96, 27, 27), "NORM1": (96, 27, 27), "CONV2": (256, 27, 27),
           "POOL2": (256, 13, 13), "NORM2": (256, 13, 13), "CONV3": (384, 13, 13), "CONV4": (384, 13, 13),
           "CONV5": (256, 13, 13), "POOL3": (256, 6, 6), "FC6": (4096,), "FC7": (4096,), "FC8": (1000,)}
for name, shape, _ in table:
    if len(shape) == 3 and shape[::-1] == lecture[name] and shape != lecture[name]:
        raise AssertionError(f"{name}: shape {shape} is (H, W, C); write it channel first, (C, H, W)")
    assert shape == lecture[name], f"alexnet_shapes(): {name} outputs {shape}, the lecture's table says {lecture[name]}"

# torchvision's AlexNet takes 224x224 and pads CONV1 by 2, so its spatial sizes equal the lecture's at 227.
with torch.device("meta"):
    reference = torchvision.models.alexnet(weights=None)
sizes = []
hooks = [m.register_forward_hook(lambda module, args, out: sizes.append(out.shape[-1]))
         for m in reference.features if isinstance(m, (nn.Conv2d, nn.MaxPool2d))]
reference.features(torch.empty(1, 3, 224, 224, device="meta"))
for hook in hooks:
    hook.remove()
ours = [shape[-1] for name, shape, _ in table if name.startswith(("CONV", "POOL"))]
assert ours == sizes, f"spatial sizes of CONV1..POOL3 at 227: {ours}; torchvision's AlexNet at 224 gives {sizes}"


def reference_table(input_size, num_classes):
    layers = [("CONV1", nn.Conv2d(3, 96, 11, stride=4)), ("POOL1", nn.MaxPool2d(3, 2)),
              ("NORM1", nn.LocalResponseNorm(5, 5e-4, 0.75, 2.0)), ("CONV2", nn.Conv2d(96, 256, 5, padding=2)),
              ("POOL2", nn.MaxPool2d(3, 2)), ("NORM2", nn.LocalResponseNorm(5, 5e-4, 0.75, 2.0)),
              ("CONV3", nn.Conv2d(256, 384, 3, padding=1)), ("CONV4", nn.Conv2d(384, 384, 3, padding=1)),
              ("CONV5", nn.Conv2d(384, 256, 3, padding=1)), ("POOL3", nn.MaxPool2d(3, 2))]
    x = torch.empty(1, 3, input_size, input_size, device="meta")
    rows = []
    with torch.device("meta"):
        for name, layer in layers:
            x = layer(x)
            rows.append((name, tuple(x.shape[1:]), sum(p.numel() for p in layer.parameters())))
        x = x.flatten(1)
        for name, units in [("FC6", 4096), ("FC7", 4096), ("FC8", num_classes)]:
            layer = nn.Linear(x.shape[1], units)
            x = layer(x)
            rows.append((name, tuple(x.shape[1:]), sum(p.numel() for p in layer.parameters())))
    return rows


# At 227 every division is exact; at 224 most are not ((224 - 11) / 4 = 53.25), so rounding shows.
for (name, shape, _), (_, expected, _) in zip(as_table(alexnet_shapes(224), "alexnet_shapes(224)"),
                                              reference_table(224, 1000)):
    assert shape == expected, (f"alexnet_shapes(224): {name} outputs {shape}, PyTorch's layers give {expected}. "
                               "Each size is floor((n + 2p - f) / s) + 1: rounded down, not up or to the nearest")
assert as_table(alexnet_shapes(227, num_classes=10), "alexnet_shapes(227, 10)")[-1][1] == (10,), \
    "FC8 should have num_classes units"
print("alexnet_shapes() reproduces the lecture's table.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(8227)
for size in [224, 67, 68, 100, 128, 255, 300, 299] + rng.integers(67, 400, size=6).tolist():
    k = int(rng.integers(2, 2000))
    got = as_table(alexnet_shapes(int(size), num_classes=k), f"alexnet_shapes({size}, {k})")
    for (name, shape, _), (_, expected, _) in zip(got, reference_table(int(size), k)):
        assert shape == expected, f"alexnet_shapes({size}, {k}): {name} outputs {shape}, expected {expected}"
### END HIDDEN TESTS

# %% tests="test_alexnet_params" points=2
# Parameter counts: weights plus biases, checked against PyTorch layers built with the lecture's settings.
import numpy as np
import torch
import torch.nn as nn
import torchvision

def n_params(layer):
    return sum(p.numel() for p in layer.parameters())

rows = alexnet_shapes()
params = {str(row[0]).upper().replace(" ", ""): int(row[2]) for row in rows}
assert params.get("CONV1") != 96 * 11 * 11 * 3, "CONV1 has 34,848 parameters without its 96 biases: add them"
assert params.get("CONV1") == 34944, f"CONV1 has {params.get('CONV1')} parameters, expected 96 * (11*11*3 + 1) = 34,944"
for name in ["POOL1", "NORM1", "POOL2", "NORM2", "POOL3"]:
    assert params.get(name) == 0, f"{name} has {params.get(name)} parameters; pooling and normalization have none"
with torch.device("meta"):
    expected = {"CONV2": n_params(nn.Conv2d(96, 256, 5, padding=2)), "CONV3": n_params(nn.Conv2d(256, 384, 3)),
                "CONV4": n_params(nn.Conv2d(384, 384, 3)), "CONV5": n_params(nn.Conv2d(384, 256, 3)),
                "FC6": n_params(nn.Linear(6 * 6 * 256, 4096))}
    reference = torchvision.models.alexnet(weights=None)  # its FC7 and FC8 are the lecture's
expected["FC7"], expected["FC8"] = n_params(reference.classifier[4]), n_params(reference.classifier[6])
for name, count in expected.items():
    assert params.get(name) == count, f"alexnet_shapes(): {name} has {params.get(name)} parameters, expected {count:,}"
fc8 = {str(row[0]).upper(): int(row[2]) for row in alexnet_shapes(227, num_classes=10)}["FC8"]
assert fc8 == n_params(nn.Linear(4096, 10, device="meta")), f"FC8 with 10 classes has {fc8} parameters"
with torch.device("meta"):
    pool3 = nn.Sequential(nn.Conv2d(3, 96, 11, stride=4), nn.MaxPool2d(3, 2), nn.Conv2d(96, 256, 5, padding=2),
                          nn.MaxPool2d(3, 2), nn.Conv2d(256, 256, 3, padding=1), nn.MaxPool2d(3, 2))(
                              torch.empty(1, 3, 224, 224))
    fc6_expected = n_params(nn.Linear(pool3.numel(), 4096))
rows_224 = {str(row[0]).upper().replace(" ", ""): row for row in alexnet_shapes(224)}
fc6, pool3_224 = int(rows_224["FC6"][2]), tuple(int(v) for v in rows_224["POOL3"][1])
if fc6 != fc6_expected and pool3_224 != tuple(pool3.shape[1:]) and fc6 == 4096 * (int(np.prod(pool3_224)) + 1):
    raise AssertionError(f"alexnet_shapes(224): FC6 has {fc6:,} parameters, expected {fc6_expected:,}: it follows "
                         f"your POOL3 at 224, {pool3_224}, which should be {tuple(pool3.shape[1:])} (see "
                         "test_alexnet_shapes: each size is rounded down)")
assert fc6 == fc6_expected, (
    f"alexnet_shapes(224): FC6 has {fc6:,} parameters, expected {fc6_expected:,}: its inputs are POOL3's output, "
    f"{tuple(pool3.shape[1:])} at 224, so FC6's count depends on input_size (9,216 inputs only at 227)")
print(f"alexnet_shapes() counts {sum(params.values()):,} parameters in total.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(8228)
for size in [224, 67, 160, 299] + rng.integers(67, 400, size=5).tolist():
    k = int(rng.integers(2, 3000))
    x = torch.empty(1, 3, int(size), int(size), device="meta")
    layers = [nn.Conv2d(3, 96, 11, stride=4), nn.MaxPool2d(3, 2), nn.Identity(), nn.Conv2d(96, 256, 5, padding=2),
              nn.MaxPool2d(3, 2), nn.Identity(), nn.Conv2d(256, 384, 3, padding=1),
              nn.Conv2d(384, 384, 3, padding=1), nn.Conv2d(384, 256, 3, padding=1), nn.MaxPool2d(3, 2)]
    counts = []
    with torch.device("meta"):
        for layer in layers:
            x = layer(x)
            counts.append(n_params(layer))
        counts += [n_params(nn.Linear(x[0].numel(), 4096)), n_params(nn.Linear(4096, 4096)),
                   n_params(nn.Linear(4096, k))]
    got = [int(row[2]) for row in alexnet_shapes(int(size), num_classes=k)]
    assert got == counts, f"alexnet_shapes({size}, {k}) parameter counts {got}, expected {counts}"
### END HIDDEN TESTS

# %% [markdown]
# ## 4. AlexNet as a PyTorch module
#
# Now build the network itself. Beyond the table, the lecture lists AlexNet's details:
#
# * the **first use of ReLU** in a large ConvNet: a ReLU follows every conv and FC layer except FC8;
# * **norm layers** (local response normalization, "not common anymore"). Use
#   `nn.LocalResponseNorm(size=5, alpha=5e-4, beta=0.75, k=2.0)`. The paper's settings are
#   n = 5, α = 10⁻⁴, β = 0.75, k = 2 in b = a / (k + α·Σa²)^β, a sum over 5 neighbouring channels.
#   PyTorch divides α by the window size (it averages the squares instead of summing them), so
#   the paper's α = 10⁻⁴ is PyTorch's `alpha=5 * 1e-4`; the cell after this list checks it;
# * **dropout 0.5** on the FC layers. This notebook puts it before FC6 and before FC7, as
#   torchvision's AlexNet does; the paper applied it to the outputs of FC6 and FC7 (so before FC7
#   and FC8). Either way two of the three FC layers see dropped-out inputs;
# * heavy data augmentation, batch size 128, SGD with momentum 0.9, learning rate 1e-2 divided by
#   10 when the validation accuracy plateaus, L2 weight decay 5e-4;
# * an ensemble of 7 CNNs: top-5 error 18.2% → 15.4%.
#
# The original was split over two GTX 580 GPUs with 3 GB each: half of the filters lived on each
# GPU, and CONV2, CONV4 and CONV5 only saw the maps on their own GPU. Like the lecture's table, we
# build the single-GPU version.
#
# The LRN formula written out with the paper's α = 10⁻⁴ (a sum over the window), against
# PyTorch's layer with α = 10⁻⁴ and with α = 5·10⁻⁴:

# %%
def lrn_as_in_the_paper(a, n=5, alpha=1e-4, beta=0.75, k=2.0):
    """b = a / (k + alpha * sum of a^2 over the n channels centred on each one)^beta, for a (N, C, H, W)."""
    squares = torch.nn.functional.pad(a.pow(2), (0, 0, 0, 0, n // 2, (n - 1) // 2))  # zero channels at the edges
    window_sum = sum(squares[:, i:i + a.shape[1]] for i in range(n))
    return a / (k + alpha * window_sum).pow(beta)


a = 30 * torch.rand(2, 8, 3, 3, dtype=torch.float64)  # ReLU outputs are non-negative and can be large
paper = lrn_as_in_the_paper(a)
for alpha in (1e-4, 5e-4):
    ours = nn.LocalResponseNorm(size=5, alpha=alpha, beta=0.75, k=2.0)(a)
    print(f"nn.LocalResponseNorm(alpha={alpha:g}): largest difference from the paper's formula "
          f"{(ours - paper).abs().max().item():.2e}")

# %% [markdown]
# ### Exercise 3: `AlexNet(num_classes=1000, dropout=0.5)`
#
# Build the lecture's AlexNet for `(N, 3, 227, 227)` inputs, returning class scores
# `(N, num_classes)`, in this order:
#
# CONV1 → ReLU → POOL1 → NORM1 → CONV2 → ReLU → POOL2 → NORM2 → CONV3 → ReLU → CONV4 → ReLU →
# CONV5 → ReLU → POOL3 → flatten → dropout → FC6 → ReLU → dropout → FC7 → ReLU → FC8.
#
# Use `nn.Conv2d`, `nn.MaxPool2d`, `nn.LocalResponseNorm`, `nn.Linear`, `nn.Dropout(dropout)` and
# ReLU (`nn.ReLU` or `F.relu`), with biases in every conv and FC layer. The tests check the output
# shape of every conv and FC layer against the lecture's table, the parameter count, and the
# forward pass in eval mode recomputed from your weights; in training mode, dropout must act on the
# inputs of FC6 and FC7 and nowhere else.

# %% solution="alexnet"
class AlexNet(nn.Module):
    """The lecture's single-GPU AlexNet: x (N, 3, 227, 227) -> class scores (N, num_classes)."""

    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        ### BEGIN SOLUTION
        def lrn():
            return nn.LocalResponseNorm(size=5, alpha=5e-4, beta=0.75, k=2.0)

        self.features = nn.Sequential(
            nn.Conv2d(3, 96, kernel_size=11, stride=4), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2), lrn(),
            nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2), lrn(),
            nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        return self.classifier(self.features(x))
        ### END SOLUTION

# %% tests="test_alexnet_module_shapes" points=1
# Every conv and FC layer's output shape against the lecture's table (meta tensors: no memory, no compute).
import importlib

import torch
import torch.nn as nn

import cs_utils.model_checks

model_checks = importlib.reload(cs_utils.model_checks)  # a notebook cannot have changed it


def layer_output_shapes(model, x):
    """Run model(x) and return (output, [per-image output shape of each Conv2d and Linear, in call order])."""
    out, calls = model_checks.layer_calls(model, x, (nn.Conv2d, nn.Linear))
    return out, [tuple(result.shape[1:]) for _, _, result in calls]

with torch.device("meta"):
    model = AlexNet().eval()
out, shapes = layer_output_shapes(model, torch.empty(2, 3, 227, 227, device="meta"))
table = [(96, 55, 55), (256, 27, 27), (384, 13, 13), (384, 13, 13), (256, 13, 13), (4096,), (4096,), (1000,)]
names = ["CONV1", "CONV2", "CONV3", "CONV4", "CONV5", "FC6", "FC7", "FC8"]
assert len(shapes) == 8, f"AlexNet ran {len(shapes)} Conv2d/Linear layers, expected 8 (5 conv + 3 FC)"
for name, got, expected in zip(names, shapes, table):
    assert got == expected, f"AlexNet: {name} outputs {got} per image, the lecture's table says {expected}"
assert tuple(out.shape) == (2, 1000), f"AlexNet()(x) with x (2, 3, 227, 227) has shape {tuple(out.shape)}"
print("AlexNet's conv and FC layers produce the lecture's shapes.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
for k, n in [(10, 1), (37, 3), (4095, 2)]:
    with torch.device("meta"):
        model = AlexNet(num_classes=k).eval()
    out, shapes = layer_output_shapes(model, torch.empty(n, 3, 227, 227, device="meta"))
    assert shapes == table[:-1] + [(k,)], f"AlexNet(num_classes={k}): layer outputs {shapes}"
    assert tuple(out.shape) == (n, k), f"AlexNet(num_classes={k}) on {n} images: output {tuple(out.shape)}"
### END HIDDEN TESTS

# %% tests="test_alexnet_module_params" points=1
# Weight shapes from the lecture's table, each with a bias: 62,378,344 parameters in total.
from collections import Counter

import numpy as np
import torch
import torch.nn as nn

with torch.device("meta"):
    model = AlexNet()
layers = [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
weights = [tuple(m.weight.shape) for m in layers]
expected = [(96, 3, 11, 11), (256, 96, 5, 5), (384, 256, 3, 3), (384, 384, 3, 3), (256, 384, 3, 3),
            (4096, 9216), (4096, 4096), (1000, 4096)]
# Compared as collections: __init__ may create the layers in any order (the classifier before the
# features, say). The order they run in is what test_alexnet_module_shapes checks.
missing, extra = Counter(expected) - Counter(weights), Counter(weights) - Counter(expected)
assert not missing and not extra, (
    f"AlexNet's conv and FC weight shapes are {weights}, expected {expected} (in any order): "
    f"missing {list(missing.elements())}, not in the table {list(extra.elements())}")
no_bias = [tuple(m.weight.shape) for m in layers if m.bias is None]
assert not no_bias, f"AlexNet's conv/FC layers with weights {no_bias} have no bias"
total = sum(p.numel() for p in model.parameters())
assert total == sum(int(np.prod(s)) + s[0] for s in expected), f"AlexNet has {total:,} parameters, expected 62,378,344"
print(f"AlexNet has {total:,} parameters.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
for k in [2, 10, 999, 5000]:
    with torch.device("meta"):
        total = sum(p.numel() for p in AlexNet(num_classes=k, dropout=0.3).parameters())
    assert total == 62378344 - 1000 * 4097 + k * 4097, f"AlexNet(num_classes={k}) has {total:,} parameters"
### END HIDDEN TESTS

# %% tests="test_alexnet_module_forward" points=2
# The forward pass recomputed with torch.nn.functional from your weights (eval mode), and in training
# mode dropout before FC6 and before FC7, nowhere else.
import importlib

import torch
import torch.nn as nn
import torch.nn.functional as F

import cs_utils.model_checks
from cs_utils.checks import assert_close

model_checks = importlib.reload(cs_utils.model_checks)  # a notebook cannot have changed it

def alexnet_reference(model, x, lrn_alpha=5e-4, with_lrn=True, norm_first=False):
    """The lecture's AlexNet in F.*, with the model's conv and FC weights in the order they were defined."""
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    fcs = [m for m in model.modules() if isinstance(m, nn.Linear)]
    assert len(convs) == 5 and len(fcs) == 3, f"AlexNet has {len(convs)} Conv2d and {len(fcs)} Linear layers"
    def lrn(h):
        return F.local_response_norm(h, size=5, alpha=lrn_alpha, beta=0.75, k=2.0) if with_lrn else h
    def pool_norm(h):  # norm_first: the 2012 paper's order, LRN before the pool
        return F.max_pool2d(lrn(h), 3, 2) if norm_first else lrn(F.max_pool2d(h, 3, 2))
    h = pool_norm(F.relu(F.conv2d(x, convs[0].weight, convs[0].bias, stride=4)))
    h = pool_norm(F.relu(F.conv2d(h, convs[1].weight, convs[1].bias, padding=2)))
    for conv in convs[2:]:
        h = F.relu(F.conv2d(h, conv.weight, conv.bias, padding=1))
    h = F.max_pool2d(h, 3, 2).flatten(1)
    h = F.relu(F.linear(h, fcs[0].weight, fcs[0].bias))
    h = F.relu(F.linear(h, fcs[1].weight, fcs[1].bias))
    return F.linear(h, fcs[2].weight, fcs[2].bias)

torch.manual_seed(2)
model = AlexNet(num_classes=10).eval()
x = torch.randn(1, 3, 227, 227)
with torch.no_grad():
    out = model(x)
    if not torch.equal(out, model(x)):
        raise AssertionError("AlexNet(10) in eval mode gives different scores for the same x: dropout is still on "
                             "in eval mode. F.dropout drops whatever the mode unless told training=self.training; "
                             "nn.Dropout follows model.eval() by itself")
    if torch.allclose(out, alexnet_reference(model, x, with_lrn=False), rtol=1e-4, atol=1e-6):
        raise AssertionError("AlexNet has no local response normalization: the lecture's AlexNet (NORM1, NORM2 in "
                             "the table) applies LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0) after POOL1 and "
                             "after POOL2; it is out of fashion, but it is part of this network")
    _, fc_calls = model_checks.linear_calls(model, x)
    for i, name in ((1, "FC6"), (2, "FC7")):
        if len(fc_calls) == 3 and not torch.allclose(fc_calls[i][0], F.relu(fc_calls[i - 1][1])) and \
                torch.allclose(fc_calls[i][0], fc_calls[i - 1][1]):
            raise AssertionError(f"AlexNet has no ReLU after {name}: the next layer gets {name}'s output as it is. "
                                 "FC6 and FC7 are each followed by a ReLU; only FC8, the scores, has none")
    assert_close(out, alexnet_reference(model, x), "AlexNet(10) in eval mode vs the lecture's layers "
                 "recomputed with torch.nn.functional, x (1, 3, 227, 227)", rtol=1e-4, atol=1e-6)
    # At random initialisation the activations are small and LRN's denominator is almost its k = 2,
    # whatever alpha is: a strong input makes the sum of squares count.
    strong = 10 * x
    out = model(strong)
    if torch.allclose(out, alexnet_reference(model, strong, lrn_alpha=1e-4), rtol=1e-4, atol=1e-6):
        raise AssertionError("AlexNet's LRN uses alpha=1e-4, the paper's α; PyTorch's LocalResponseNorm divides "
                             "alpha by the window size, so the paper's α = 1e-4 is alpha=5e-4 there")
    if torch.allclose(out, alexnet_reference(model, strong, norm_first=True), rtol=1e-4, atol=1e-6):
        raise AssertionError("AlexNet normalizes before pooling (ReLU -> LRN -> pool, the 2012 paper's order); the "
                             "lecture's table and this exercise pool first: ReLU -> POOL1 -> NORM1, ReLU -> POOL2 -> "
                             "NORM2")
    assert_close(out, alexnet_reference(model, strong), "AlexNet(10) in eval mode on a strong input, 10 * x, "
                 "where LRN's sum of squares counts (size=5, alpha=5e-4, beta=0.75, k=2.0?)", rtol=1e-4, atol=1e-6)
model_checks.assert_dropout_before(model, x, 0.5, {0, 1}, ("FC6", "FC7", "FC8"), "AlexNet(10)")
model_checks.assert_dropout_before(AlexNet(num_classes=10, dropout=0.3), x, 0.3, {0, 1}, ("FC6", "FC7", "FC8"),
                                   "AlexNet(10, dropout=0.3)")
print("AlexNet's forward pass matches the lecture's layers; in training, dropout acts before FC6 and FC7.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
torch.manual_seed(8229)
model = AlexNet(num_classes=7, dropout=0.0).train()
x = 2 * torch.randn(2, 3, 227, 227)
x_before = x.clone()
with torch.no_grad():
    checks.assert_close(model(x), alexnet_reference(model, x), "AlexNet(7, dropout=0.0) in training mode, "
                        "x (2, 3, 227, 227)", rtol=1e-4, atol=1e-6)
checks.assert_close(x, x_before, "x after AlexNet's forward pass: the input must not be modified")
model = AlexNet(num_classes=5, dropout=0.3).train()
with torch.no_grad():
    model.eval()
    assert torch.equal(model(x), model(x)), "AlexNet in eval mode must be deterministic"
    checks.assert_close(model(x), alexnet_reference(model, x), "AlexNet(5, dropout=0.3) in eval mode",
                        rtol=1e-4, atol=1e-6)
model_checks.assert_dropout_before(model, x, 0.3, {0, 1}, ("FC6", "FC7", "FC8"), "AlexNet(5, dropout=0.3)")
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Compared with `torchvision.models.alexnet`
#
# The paper says AlexNet's input is 224×224×3, yet (224 − 11)/4 + 1 = 54.25 is not a whole
# number. The lecture uses 227, which works exactly. torchvision keeps 224 and pads CONV1 by 2
# instead: (224 − 11 + 4)/4 + 1 = 55.25, rounded down to 55. Your `alexnet_shapes` shows what
# happens at 224 without padding: every later size shifts.

# %%
at_224 = alexnet_shapes(224)
print("our table at 224 (no padding):", [shape for name, shape, _ in at_224[:2]], "... POOL3:", at_224[9][1])
print("our table at 227:             ", [shape for name, shape, _ in alexnet_shapes(227)[:2]], "... POOL3:",
      alexnet_shapes(227)[9][1])

# %% [markdown]
# torchvision's model follows the "one weird trick" variant (Krizhevsky, 2014) rather than the 2012
# paper: 64, 192, 384, 256 and 256 filters instead of 96, 256, 384, 384 and 256, no LRN, and an
# adaptive average pool that makes any input large enough end at 6×6. The next cell runs both
# models on meta tensors (shapes only, no memory) and lists them side by side. Where the layers
# correspond, the spatial sizes agree and FC7 and FC8 are identical.

# %%
import torchvision

def conv_fc_table(model, size):
    rows = []
    hooks = [m.register_forward_hook(lambda module, args, out, m=m: rows.append(
        (type(module).__name__, tuple(out.shape[1:]), sum(p.numel() for p in module.parameters()))))
        for m in model.modules() if isinstance(m, (nn.Conv2d, nn.MaxPool2d, nn.Linear))]
    model.eval()(torch.empty(1, 3, size, size, device="meta"))
    for hook in hooks:
        hook.remove()
    return rows

with torch.device("meta"):
    ours = conv_fc_table(AlexNet(), 227)
    theirs = conv_fc_table(torchvision.models.alexnet(weights=None), 224)
print(f"{'ours (227 input)':42s} | torchvision (224 input)")
for (kind, shape, params), (kind_tv, shape_tv, params_tv) in zip(ours, theirs):
    print(f"{kind:10s} {str(shape):17s} {params:>11,} | {kind_tv:10s} {str(shape_tv):17s} {params_tv:>11,}")
total_ours = sum(row[2] for row in ours)
total_tv = sum(row[2] for row in theirs)
print(f"{'total':28s} {total_ours:>11,} | {'total':28s} {total_tv:>11,}")

# %% [markdown]
# Where do AlexNet's 62 million parameters live? Almost all in the fully connected layers: FC6
# alone holds 37.7M, 60% of the total, while the five conv layers together hold 3.7M. The
# compute is the other way round: convolutions are applied at every position, so they do most of
# the multiply-adds. GoogLeNet (notebook 10) replaces the big FC layers by global average pooling
# and, with 5 million parameters, has 12× fewer than AlexNet.

# %% tags=["experiment"]
rows = alexnet_shapes()
names = [row[0] for row in rows if row[2] > 0]
counts = [row[2] / 1e6 for row in rows if row[2] > 0]
fig, ax = plt.subplots(figsize=(7, 3))
ax.bar(names, counts, color=["tab:blue"] * 5 + ["tab:red"] * 3)
for i, c in enumerate(counts):
    ax.text(i, c + 0.5, f"{c:.2f}M", ha="center", fontsize=8)
ax.set_ylim(0, 1.15 * max(counts))  # headroom for the tallest bar's label
ax.set_ylabel("parameters (millions)")
ax.set_title("AlexNet: parameters per layer")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 2. AlexNet's parameters per layer, from your `alexnet_shapes`: conv layers in blue, fully
# connected layers in red.*
#
# ## 6. The training step by hand
#
# Before a library trains for us, we write one epoch ourselves. Every training loop in PyTorch
# does the same six things for each batch, in this order:
#
# 1. **move** the batch to the device that holds the model's weights (`.to(device)`);
# 2. **forward**: call the model on the inputs, which records the graph of every operation;
# 3. **loss**: one scalar, the batch's mean loss;
# 4. **clear** the gradients that the previous batch left in every `p.grad` (the optimizer's
#    `zero_grad`);
# 5. **backward**: walk the recorded graph and add this batch's gradients into every `p.grad`;
# 6. **step**: let the optimizer move each parameter using its `p.grad` (for SGD,
#    p ← p − lr · p.grad).
#
# `zero_grad` is the line everyone forgets once: `backward` accumulates into `p.grad` (useful for
# gradients summed over several small batches), so without it every step uses the sum of all the
# gradients so far. Two more habits matter:
#
# * **Modes.** `model.train()` and `model.eval()` switch the layers that behave differently while
#   training: dropout (notebook 07) drops units only in training mode, BatchNorm (notebook 06) uses
#   the batch's statistics and updates its running averages only in training mode. Evaluating in
#   training mode gives noisy, wrong numbers and changes BatchNorm's running statistics.
# * **No gradients in evaluation.** Inside `with torch.no_grad():` PyTorch records no graph: less
#   memory and time, and no way to train by accident.
#
# Averages are over **samples**, not batches: the last batch is often smaller, so the mean of the
# batch means is not the mean loss. Multiply each batch's mean loss by its size, add up, and divide
# by the number of samples at the end; count correct predictions the same way.

# %% [markdown]
# ### Exercise 4: `train_one_epoch(model, loader, optimizer, loss_fn, device)`
#
# Train `model` for one pass over `loader` and return `(mean_loss, accuracy)`:
#
# * put the model in training mode (`model.train()`) first;
# * `loader` is any iterable of batches: a `DataLoader`, the first batches of one
#   (`itertools.islice`), or a list (the tests pass lists of batches of different sizes). Count the
#   samples as you go; `len(loader.dataset)` is not always there, nor is it always what you saw;
# * for each batch `(x, y)` of the loader (x `(B, ...)`, y `(B,)` class indices): move both to
#   `device`, compute the logits `(B, num_classes)`, the loss `loss_fn(logits, y)` (the batch mean,
#   as `nn.CrossEntropyLoss()` returns it), then `optimizer.zero_grad()`, `loss.backward()`,
#   `optimizer.step()`;
# * `mean_loss`: each batch's loss (as computed before its step) weighted by its number of samples,
#   divided by the number of samples; `accuracy`: the fraction of all samples whose arg-max logit
#   equals the label. Both as Python floats (`.item()`);
# * write the loop yourself: `cs_utils.training.fit` and `evaluate` do all of this and are yours to
#   use from section 7 on, but the tests of Exercises 4 and 5 fail if your functions call them.
#
# The tests compare your parameters after one epoch with plain gradient steps computed separately
# (`torch.autograd.grad`, batch by batch), with batches of different sizes, check that the loss
# falls when the same batch is seen for a few epochs, and that the model and the loss get the
# tensors that `.to(device)` returned (it returns a moved copy and leaves the original where it was).
# The last check runs your loop as though `device` were a GPU, so a mistake that only a GPU reports
# shows up here too: a tensor left on the CPU that meets one on the device (`out.argmax(1) == y`
# with the unmoved `y`), or `.numpy()` of a device tensor without `.cpu()` first.

# %% solution="train_one_epoch"
def train_one_epoch(model, loader, optimizer, loss_fn, device):
    """One epoch of training; returns (mean loss per sample, accuracy) as Python floats."""
    ### BEGIN SOLUTION
    model.train()
    loss_sum, hits, seen = 0.0, 0, 0
    for inputs, labels in loader:
        inputs, labels = inputs.to(device), labels.to(device)
        scores = model(inputs)
        batch_loss = loss_fn(scores, labels)
        optimizer.zero_grad()
        batch_loss.backward()
        optimizer.step()
        loss_sum += batch_loss.item() * labels.shape[0]
        hits += (scores.argmax(dim=1) == labels).sum().item()
        seen += labels.shape[0]
    return loss_sum / seen, hits / seen
    ### END SOLUTION

# %% tests="test_train_one_epoch_step" points=2
# One epoch of SGD over batches of 5, 3 and 6 samples, against plain gradient steps computed separately.
import copy
import importlib

import numpy as np
import torch
import torch.nn as nn

import cs_utils.model_checks
from cs_utils.checks import assert_close

model_checks = importlib.reload(cs_utils.model_checks)  # a notebook cannot have changed it


def reference_epoch(model, batches, lr, loss_fn, batch_losses=None):
    """(model after SGD steps, mean loss per sample, accuracy), with torch.autograd.grad, on a copy;
    each batch's mean loss is appended to batch_losses when given."""
    model = copy.deepcopy(model).train()
    total, correct, count = 0.0, 0, 0
    for x, y in batches:
        logits = model(x)
        loss = loss_fn(logits, y)
        grads = torch.autograd.grad(loss, list(model.parameters()))
        with torch.no_grad():
            for p, g in zip(model.parameters(), grads):
                p -= lr * g
        total += loss.item() * len(y)
        correct += int((logits.argmax(dim=1) == y).sum())
        count += len(y)
        if batch_losses is not None:
            batch_losses.append(loss.item())
    return model, total / count, correct / count


torch.manual_seed(4)
model = nn.Sequential(model_checks.float64_input(), nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3)).double()
batches = [(torch.randn(n, 4).double(), torch.randint(0, 3, (n,))) for n in (5, 3, 6)]
loss_fn = nn.CrossEntropyLoss()
batch_losses = []
expected_model, expected_loss, expected_acc = reference_epoch(model, batches, 0.5, loss_fn, batch_losses)
per_batch_loss = float(np.mean(batch_losses))  # what averaging over batches instead of samples gives


class GradientsAtStep(torch.optim.SGD):
    """SGD that records, at each step, whether any parameter had a nonzero gradient."""

    def step(self, closure=None):
        grads_at_step.append(any(p.grad is not None and bool(p.grad.any())
                                 for group in self.param_groups for p in group["params"]))
        return super().step(closure)


before = [p.detach().clone() for p in model.parameters()]
grads_at_step = []
with model_checks.own_loop_only(), model_checks.naming_a_prediction_per_class("train_one_epoch", 3):
    result = train_one_epoch(model, model_checks.Batches(batches), GradientsAtStep(model.parameters(), lr=0.5),
                             loss_fn, torch.device("cpu"))
assert result is not None and len(result) == 2, f"train_one_epoch should return (mean_loss, accuracy), got {result!r}"
mean_loss, acc = float(result[0]), float(result[1])
assert grads_at_step, "train_one_epoch never called optimizer.step(): call it after loss.backward() for every batch"
assert any(grads_at_step), (
    "optimizer.step() found no gradients: the gradients were cleared after loss.backward() and before the step. "
    "Call optimizer.zero_grad() before loss.backward() (or before the forward pass), never between backward and step")
assert any(not torch.equal(b, p) for b, p in zip(before, model.parameters())), (
    "train_one_epoch did not change the parameters: call loss.backward() and optimizer.step() for every batch")
for (name, p), q in zip(model.named_parameters(), expected_model.parameters()):
    assert_close(p.detach(), q.detach(), f"parameter {name} after one epoch of SGD (lr 0.5) over batches of 5, 3 "
                 "and 6 samples, vs one plain gradient step per batch. If it differs, did you call "
                 "optimizer.zero_grad() before each backward? Without it the gradients add up over the batches")
if abs(mean_loss - per_batch_loss) < 1e-9 and abs(mean_loss - expected_loss) > 1e-9:
    raise AssertionError("train_one_epoch returned the mean of the per-batch losses; weight each batch's loss by its "
                         "number of samples and divide by the total number of samples")
assert_close(mean_loss, expected_loss, "mean loss per sample over batches of 5, 3 and 6 (each batch's loss "
             "computed before its step)")
assert_close(acc, expected_acc, "accuracy: correct predictions over all 14 samples")
print("train_one_epoch takes one plain gradient step per batch and averages over samples.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
model_checks = importlib.reload(cs_utils.model_checks)  # again, after the answer ran
rng = np.random.default_rng(8401)
for trial in range(4):
    torch.manual_seed(8401 + trial)
    d, k = int(rng.integers(2, 7)), int(rng.integers(2, 6))
    sizes = [int(n) for n in rng.integers(1, 9, size=int(rng.integers(2, 5)))]
    model = nn.Sequential(model_checks.float64_input(), nn.Linear(d, 6), nn.ReLU(), nn.Linear(6, k)).double()
    batches = [(torch.randn(n, d).double(), torch.randint(0, k, (n,))) for n in sizes]
    lr = float(rng.uniform(0.05, 0.5))
    expected_model, expected_loss, expected_acc = reference_epoch(model, batches, lr, loss_fn)
    with model_checks.own_loop_only():
        got = train_one_epoch(model, model_checks.Batches(batches), torch.optim.SGD(model.parameters(), lr=lr),
                              loss_fn, torch.device("cpu"))
    for p, q in zip(model.parameters(), expected_model.parameters()):
        checks.assert_close(p.detach(), q.detach(), f"trial {trial}: parameters after an epoch over batches {sizes}")
    checks.assert_close(float(got[0]), expected_loss, f"trial {trial}: mean loss over batches {sizes}")
    checks.assert_close(float(got[1]), expected_acc, f"trial {trial}: accuracy over batches {sizes}")
### END HIDDEN TESTS

# %% tests="test_train_one_epoch_learns" points=1
# Training mode, a loss that falls when the same batch is seen for a few epochs, and the batches that
# the model and the loss get are the ones moved to the device.
import importlib

import numpy as np
import torch
import torch.nn as nn

import cs_utils.model_checks

model_checks = importlib.reload(cs_utils.model_checks)  # a notebook cannot have changed it


torch.manual_seed(5)
model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 4))
x, y = torch.randn(32, 6), torch.randint(0, 4, (32,))
modes = []
hook = model.register_forward_pre_hook(lambda module, args: modes.append((module.training, torch.is_grad_enabled())))
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
model.eval()  # as a previous evaluation would leave it
try:
    with model_checks.own_loop_only():
        results = [train_one_epoch(model, model_checks.Batches([(x, y)]), optimizer, nn.CrossEntropyLoss(),
                                   torch.device("cpu"))
                   for epoch in range(8)]
finally:
    hook.remove()
losses = [float(r[0]) for r in results]
assert modes, "train_one_epoch never called the model"
assert all(training for training, _ in modes), (
    "train_one_epoch ran the model in eval mode: call model.train() at its start (a previous evaluation "
    "leaves the model in eval mode, which switches dropout and BatchNorm to their test behaviour)")
assert all(grad for _, grad in modes), "train_one_epoch ran the forward pass without gradients"
assert np.all(np.isfinite(losses)), f"train_one_epoch returned losses {losses}"
assert losses[-1] < 0.85 * losses[0], (
    f"eight epochs of Adam on one fixed batch of 32 samples gave losses {np.round(losses, 3).tolist()}: "
    "the loss should fall clearly")
assert all(0.0 <= float(r[1]) <= 1.0 for r in results), "accuracy should be a fraction between 0 and 1"
batches = [(torch.randn(n, 6), torch.randint(0, 4, (n,))) for n in (5, 3)]
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
model_checks.assert_batches_moved("train_one_epoch", train_one_epoch, model, batches, optimizer)
print(f"the loss on a fixed batch falls: {losses[0]:.3f} -> {losses[-1]:.3f}")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
model_checks = importlib.reload(cs_utils.model_checks)  # again, after the answer ran
for trial in range(3):
    torch.manual_seed(8402 + trial)
    model = nn.Sequential(nn.Linear(5, 12), nn.Tanh(), nn.Linear(12, 3))  # float32, as a loop may cast its batches
    x, y = torch.randn(24, 5), torch.randint(0, 3, (24,))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.3)
    with model_checks.own_loop_only():
        losses = [float(train_one_epoch(model, model_checks.Batches([(x[:16], y[:16]), (x[16:], y[16:])]), optimizer,
                                        nn.CrossEntropyLoss(), torch.device("cpu"))[0]) for epoch in range(8)]
    assert losses[-1] < losses[0], f"trial {trial}: losses over 8 epochs {losses}"
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 5: `evaluate_model(model, loader, loss_fn, device)`
#
# Return `(mean_loss, accuracy)` of `model` over `loader`, averaged over samples as above, without
# training:
#
# * evaluation mode during the pass (`model.eval()`), and afterwards the mode the model had before
#   (remember `model.training` first and hand it back to `model.train(...)` at the end), so that
#   calling `evaluate_model` in the middle of training does not leave dropout switched off;
# * no gradients: run the loop inside `with torch.no_grad():`;
# * move each batch to `device`; return Python floats. The parameters must not change;
# * as in Exercise 4, write the loop yourself, without `cs_utils.training`.
#
# The tests use a model with dropout and BatchNorm, whose outputs differ between the two modes,
# record with a forward hook the mode and `torch.is_grad_enabled()` at every call, and check that the
# model and the loss get the tensors that `.to(device)` returned.

# %% solution="evaluate_model"
def evaluate_model(model, loader, loss_fn, device):
    """Mean loss per sample and accuracy of model over loader, in eval mode and without gradients."""
    ### BEGIN SOLUTION
    mode_before = model.training
    model.eval()
    loss_sum, hits, seen = 0.0, 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            scores = model(inputs)
            loss_sum += loss_fn(scores, labels).item() * labels.shape[0]
            hits += (scores.argmax(dim=1) == labels).sum().item()
            seen += labels.shape[0]
    model.train(mode_before)
    return loss_sum / seen, hits / seen
    ### END SOLUTION

# %% tests="test_evaluate_values" points=2
# Loss and accuracy over batches of 7, 2 and 5 samples, against the model in eval mode, computed separately.
import copy
import importlib

import numpy as np
import torch
import torch.nn as nn

import cs_utils.model_checks
from cs_utils.checks import assert_close

model_checks = importlib.reload(cs_utils.model_checks)  # a notebook cannot have changed it


def reference_evaluate(model, batches, loss_fn):
    model = copy.deepcopy(model).eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in batches:
            logits = model(x)
            total += loss_fn(logits, y).item() * len(y)
            correct += int((logits.argmax(dim=1) == y).sum())
            count += len(y)
    return total / count, correct / count


def test_model(d, k, seed):
    torch.manual_seed(seed)
    model = nn.Sequential(model_checks.float64_input(), nn.Linear(d, 16), nn.BatchNorm1d(16), nn.ReLU(),
                          nn.Dropout(0.5), nn.Linear(16, k)).double()
    with torch.no_grad():  # running statistics unlike a batch's own, so the two modes give different outputs
        model[2].running_mean.uniform_(-1, 1)
        model[2].running_var.uniform_(0.5, 2)
    return model


model = test_model(5, 4, 6)
batches = [(torch.randn(n, 5).double(), torch.randint(0, 4, (n,))) for n in (7, 2, 5)]
loss_fn = nn.CrossEntropyLoss()
expected_loss, expected_acc = reference_evaluate(model, batches, loss_fn)
state = copy.deepcopy(model.state_dict())
with model_checks.own_loop_only(), model_checks.naming_a_prediction_per_class("evaluate_model", 4):
    result = evaluate_model(model, model_checks.Batches(batches), loss_fn, torch.device("cpu"))
assert result is not None and len(result) == 2, f"evaluate_model should return (mean_loss, accuracy), got {result!r}"
for name, value in model.state_dict().items():
    assert torch.equal(value, state[name]), (f"evaluate_model changed {name}: in training mode BatchNorm updates "
                                             "its running statistics; call model.eval() before the loop")
assert all(p.grad is None for p in model.parameters()), "evaluate_model computed gradients: it must not call backward"
assert_close(float(result[0]), expected_loss, "evaluate_model's mean loss over batches of 7, 2 and 5 samples, vs "
             "the model in eval mode (if it differs: model.eval() before the loop? weighted by batch size?)")
assert_close(float(result[1]), expected_acc, "evaluate_model's accuracy over the 14 samples, in eval mode")
print("evaluate_model returns the eval-mode loss and accuracy, averaged over samples.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
model_checks = importlib.reload(cs_utils.model_checks)  # again, after the answer ran
rng = np.random.default_rng(8501)
for trial in range(4):
    d, k = int(rng.integers(2, 8)), int(rng.integers(2, 7))
    model = test_model(d, k, 8501 + trial)
    if trial % 2:
        model.eval()
    sizes = [int(n) for n in rng.integers(2, 10, size=int(rng.integers(1, 5)))]
    batches = [((3 * torch.randn(n, d)).double(), torch.randint(0, k, (n,))) for n in sizes]
    expected_loss, expected_acc = reference_evaluate(model, batches, loss_fn)
    with model_checks.own_loop_only():
        got = evaluate_model(model, model_checks.Batches(batches), loss_fn, torch.device("cpu"))
    checks.assert_close(float(got[0]), expected_loss, f"trial {trial}: evaluate_model's loss over batches {sizes}")
    checks.assert_close(float(got[1]), expected_acc, f"trial {trial}: evaluate_model's accuracy over batches {sizes}")
### END HIDDEN TESTS

# %% tests="test_evaluate_modes" points=1
# Eval mode and no gradients during the pass; the model's previous mode afterwards; the batches that
# the model and the loss get are the ones moved to the device.
import importlib

import numpy as np
import torch
import torch.nn as nn

import cs_utils.model_checks

model_checks = importlib.reload(cs_utils.model_checks)  # a notebook cannot have changed it


def calls_of_evaluate(model, batches):
    """[(training, grad enabled, output requires grad)] at each forward call during evaluate_model."""
    seen = []
    hook = model.register_forward_hook(
        lambda module, args, out: seen.append((module.training, torch.is_grad_enabled(), out.requires_grad)))
    try:
        num_classes = [m for m in model.modules() if isinstance(m, nn.Linear)][-1].out_features
        with model_checks.own_loop_only(), model_checks.naming_a_prediction_per_class("evaluate_model", num_classes):
            evaluate_model(model, model_checks.Batches(batches), nn.CrossEntropyLoss(), torch.device("cpu"))
    finally:
        hook.remove()
    return seen


torch.manual_seed(7)
model = nn.Sequential(nn.Linear(3, 8), nn.Dropout(0.5), nn.Linear(8, 2))
batches = [(torch.randn(4, 3), torch.randint(0, 2, (4,))) for _ in range(3)]
for start in ("train", "eval"):
    getattr(model, start)()
    seen = calls_of_evaluate(model, batches)
    assert len(seen) == 3, f"evaluate_model called the model {len(seen)} times for 3 batches"
    assert not any(training for training, _, _ in seen), (
        "evaluate_model ran the model in training mode: call model.eval()")
    assert not any(grad for _, grad, _ in seen), (
        "evaluate_model ran the model with gradients enabled: put the loop inside `with torch.no_grad():`")
    assert not any(requires for _, _, requires in seen), "evaluate_model's outputs require gradients"
    assert model.training == (start == "train"), (
        f"the model was in {start} mode before evaluate_model and in {'train' if model.training else 'eval'} mode "
        "after: restore its previous mode (read model.training first, hand it back to model.train(...) at the end)")
model_checks.assert_batches_moved("evaluate_model", evaluate_model, model, batches)
print("evaluate_model runs in eval mode without gradients and restores the model's mode.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
for trial, start in enumerate(["eval", "train", "train", "eval"]):
    torch.manual_seed(8502 + trial)
    model = nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4), nn.Linear(4, 3))
    getattr(model, start)()
    seen = calls_of_evaluate(model, [(torch.randn(5, 2), torch.randint(0, 3, (5,)))] * (trial + 1))
    assert seen and not any(t or g or r for t, g, r in seen), f"trial {trial}: modes during evaluate_model {seen}"
    assert model.training == (start == "train"), f"trial {trial}: mode not restored after evaluate_model"
### END HIDDEN TESTS

# %% [markdown]
# Your two functions, on LeNet-5 and the course's data: two epochs over the first 16 training
# batches only (1,024 digits in quick mode), each followed by an evaluation on the whole
# validation split.

# %% tags=["experiment"]
import itertools
import time

from cs_utils.torchdata import course_loaders

reset_seed(SEED)
train_loader, val_loader, info = course_loaders(batch_size=64 if is_quick() else 128, seed=SEED)
print("data:", info["name"])
by_hand = LeNet5(in_channels=info["in_channels"], num_classes=info["num_classes"]).to(device)
optimizer = torch.optim.Adam(by_hand.parameters(), lr=1e-3)
for epoch in range(2):
    start = time.perf_counter()
    train_loss, train_acc = train_one_epoch(by_hand, itertools.islice(train_loader, 16), optimizer,
                                            nn.CrossEntropyLoss(), device)
    val_loss, val_acc = evaluate_model(by_hand, val_loader, nn.CrossEntropyLoss(), device)
    print(f"epoch {epoch + 1}: train loss {train_loss:.3f}, accuracy {train_acc:.3f} | validation loss "
          f"{val_loss:.3f}, accuracy {val_acc:.3f} | {time.perf_counter() - start:.1f} s")

# %% [markdown]
# `cs_utils.training.fit`, used from here on, runs exactly these steps for every epoch (read its
# source: `fit` and `evaluate` in `cs_utils/training.py`), and adds what a long run needs:
# progress bars (`tqdm`), a history of the curves, a wall-clock time budget, and on a GPU **mixed
# precision** (the forward pass under `torch.autocast` in bf16 or fp16, with a gradient scaler for
# fp16) and the option of `torch.compile` and the channels-last layout. It also keeps the running
# sums on the device and reads them once per epoch, instead of calling `.item()` on every batch,
# which makes the CPU wait for the GPU each time.
#
# ## 7. Training LeNet-5
#
# AlexNet needs ImageNet and a GPU. LeNet-5 is small enough to train in seconds on a CPU. In quick
# mode we train it on the real MNIST subset (4,000 training and 1,000 validation digits, padded to
# 32×32 and copied to 3 channels so every architecture notebook uses the same loaders); in full
# mode on CIFAR-10, on the GPU when there is one. `cs_utils.training.fit` runs the loop with
# progress bars and returns the curves. With 3 input channels, C1's six filters are 5×5×3, so the
# count printed below is 6·5·5·2 = 300 more than the table's 61,706 for one channel.

# %% tags=["experiment"]
import time

from torch.utils.flop_counter import FlopCounterMode

from cs_utils.plotting import plot_history
from cs_utils.torchdata import course_loaders, course_test_loader
from cs_utils.training import evaluate as fit_evaluate
from cs_utils.training import fit, result_line, save_results

# What each mode should reach: typical numbers for this recipe, not measured on this machine.
TARGETS = {
    "quick": "LeNet-5 above 90% validation accuracy on the MNIST digits within 4 epochs, under a minute on a CPU",
    "full": "LeNet-5 about 60-65% test accuracy on CIFAR-10 (typical for this recipe: Adam, 20 epochs, "
            "crop and flip), about 3 min on any CUDA GPU (a T4 is enough: the data loading dominates)",
}
mode = "quick" if is_quick() else "full"
print(f"{mode} mode target: {TARGETS[mode]}")

reset_seed(SEED)
train_loader, val_loader, info = course_loaders(batch_size=64 if is_quick() else 128, seed=SEED)
print("data:", info["name"])
lenet = LeNet5(in_channels=info["in_channels"], num_classes=info["num_classes"])
epochs = 4 if is_quick() else 20
optimizer = torch.optim.Adam(lenet.parameters(), lr=1e-3)
start = time.perf_counter()
history = fit(lenet, train_loader, val_loader, epochs=epochs, optimizer=optimizer, device=device, desc="LeNet-5")
wall_s = time.perf_counter() - start
result_line("LeNet-5", history)
print(f"{sum(p.numel() for p in lenet.parameters()):,} parameters | device {history['device']} | "
      f"final validation accuracy {history['val_acc'][-1]:.3f} (chance: 0.100)")
fig = plot_history(history, title="LeNet-5")
plt.show()

# %% [markdown]
# *Figure 3. LeNet-5's training and validation loss (left) and accuracy (right). On the quick MNIST
# subset it passes 90% validation accuracy within four epochs, against 10% for guessing; on
# CIFAR-10 it plateaus far lower, which is the gap that AlexNet's depth and width were built to
# close.*
#
# The six C1 filters it learned. Each has three input channels. In quick mode the three channels
# of every input are identical copies of the gray digit, so a filter responds to the digit only
# through the sum of its three channels (w_R·x + w_G·x + w_B·x = (w_R + w_G + w_B)·x); its three
# channels separately would show colour noise that the data never sees. We plot that sum, on a
# diverging scale (red positive, blue negative, white zero):

# %% tags=["experiment"]
from cs_utils.plotting import show_filters

c1 = next(m for m in lenet.modules() if isinstance(m, nn.Conv2d))
summed = c1.weight.detach().cpu().sum(dim=1, keepdim=True).numpy()  # (6, 1, 5, 5)
fig = show_filters(summed, ncols=6, suptitle="LeNet-5's learned C1 filters, summed over the input channels")
plt.show()

# %% [markdown]
# *Figure 4. LeNet-5's six first-layer 5×5 filters after training, each summed over its three input
# channels (red positive, blue negative, each filter on its own symmetric scale). After four
# epochs from a random start they are still noisy; some show a bar or blob of one sign next to
# one of the other sign (a red row along one side, a blue diagonal), the pattern of a detector
# for a stroke's edge at that position and angle.*
#
# ## 8. Test accuracy, once
#
# Every choice above (epochs, learning rate) was judged on the validation split. Now that they are
# made, the next cell measures the test set once and saves the results to the course's `results/`
# folder, where notebook 12 puts them on its chart.

# %% tags=["experiment"]
test_loader, test_name = course_test_loader(seed=SEED)
print("test data:", test_name)
_, test_acc = fit_evaluate(lenet, test_loader)
result_line("LeNet-5", history, test_acc=test_acc)
with FlopCounterMode(display=False) as counter, torch.no_grad():
    lenet.eval()(torch.zeros(1, info["in_channels"], 32, 32, device=device))
path = save_results("08_lenet_alexnet", model="LeNet-5", accuracy=test_acc, val_accuracy=history["val_acc"][-1],
                    test_accuracy=test_acc, dataset=test_name, params=sum(p.numel() for p in lenet.parameters()),
                    flops=counter.get_total_flops(), wall_s=wall_s, precision=history["precision"],
                    device=history["device"], epochs=len(history["seconds"]), mode=mode)
print("saved", path)

# %% [markdown]
# ## Summary
#
# * On ImageNet the winning top-5 error fell from 28.2% (2010) to 16.4% with AlexNet (2012) and
#   to 3.57% with an ensemble of ResNets up to 152 layers deep (2015; 4.49% for one ResNet-152),
#   below the 5.1% of a trained human.
# * LeNet-5 (1998): conv 5×5 → pool → conv 5×5 → pool → three fully connected layers, 61,706
#   parameters with full connections.
# * AlexNet (2012): 227×227×3 → CONV1 (96 11×11 filters, stride 4) → 55×55×96, then pools, norms
#   and four more convs to 6×6×256, and three FC layers: 62.4M parameters, 60% of them in FC6.
#   Every size comes from (N − F + 2P)/S + 1, and every count is filters × (weights per filter + 1).
# * AlexNet's ingredients: ReLU, LRN, dropout 0.5, data augmentation, SGD with momentum 0.9 and
#   weight decay 5e-4, ensembles. torchvision's version uses 224 with padding 2 and fewer filters.
#
# **Next:** notebook 09 builds VGG, which keeps only 3×3 convolutions and 2×2 pools and goes to
# 16–19 layers.
