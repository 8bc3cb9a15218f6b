# %% [markdown]
# # 12 · Comparing complexity: parameters, operations, memory and time
#
# **Week 7: Convolutional Neural Networks, notebook 12 of 12.**
#
# The lecture closes with one picture (Canziani, Paszke and Culurciello, 2017): ImageNet accuracy
# against the number of operations per image, with each network drawn as a bubble whose size is
# its number of parameters. VGG is accurate but huge and slow, GoogLeNet is lean, and ResNet has
# "moderate efficiency depending on model, highest accuracy". This notebook builds that picture
# from first principles: you count a convolution layer's operations by hand and match PyTorch's
# FLOP counter, count parameters and activation memory, and time the networks correctly.
#
# **Learning goals**
# 1. Count a convolution layer's multiply-adds and FLOPs by hand, using the *output* size, the
#    *input* channels and the stride, and match `torch.utils.flop_counter.FlopCounterMode`.
# 2. Count a model's parameters (and tell them apart from buffers such as BatchNorm's running
#    statistics) and the memory its activations take, using forward hooks.
# 3. Measure throughput correctly: warm-up, synchronisation and the median of several runs.
# 4. Compare the course's models and the torchvision reference architectures (AlexNet, VGG-16,
#    GoogLeNet, ResNet-18/34/50) on parameters, operations, memory, speed and accuracy.
# 5. Design and train a network of your own under a time budget (the design challenge,
#    section 12), graded from the checkpoint you save.
#
# **How this notebook works.** Run the cells in order. Write your code where it says
# `YOUR CODE HERE` and delete the `raise NotImplementedError()` line. The test cell after an
# exercise checks your answer at once and says what is wrong. When you submit, hidden tests also
# compare your functions with PyTorch on random layers and models, so make them correct in
# general, not only for the visible examples. `conv2d_flops` is tested with PyTorch switched off:
# count by hand, with plain Python arithmetic.

# %%
# Setup: imports, seeding, and which mode and data this run uses.
import time

import numpy as np
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torchvision
from torch.utils.flop_counter import FlopCounterMode

from cs_utils.runtime import describe_run, get_device, is_quick, reset_seed
from cs_utils.timing import benchmark

SEED = 0
reset_seed(SEED)
describe_run("no training data: random and 'meta' tensors; published ImageNet accuracies from "
             "torchvision's weights metadata", SEED)
device = get_device()
print(f"device: {device}" + (f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else ""))
print(f"torch {torch.__version__}, torchvision {torchvision.__version__}")

# %% [markdown]
# ## 1. Four ways to say "how big is this network?"
#
# | measure | what it counts | what it limits |
# |---|---|---|
# | **parameters** | learnable weights, biases, BatchNorm γ and β | file size; GPU memory for them and optimiser state |
# | **operations** | arithmetic in one forward pass, per image | energy, and (roughly) time |
# | **activation memory** | layer outputs of a forward pass | batch size that fits; training stores them for backprop |
# | **time** | wall-clock seconds per batch, measured | what you actually wait for |
#
# They do not move together. The lecture's examples: VGG-16 has 138M parameters, most of them in
# its first fully connected layer, while its operations are spread over its thirteen 3×3
# convolutions and its activation memory sits in the early ones, at full resolution. GoogLeNet
# has 12× fewer parameters than AlexNet yet needs about twice its operations.
#
# **Multiply-adds and FLOPs.** The work of a convolution or fully connected layer is a pile of
# dot products. One step of a dot product, `acc += w * x`, is one **multiply-accumulate (MAC)**
# and two **floating-point operations (FLOPs)**: a multiply and an add. Papers and tools use
# both units, sometimes under the same name: torchvision's documentation lists ResNet-50 at
# "4.09 GFLOPS", which are really multiply-adds, while PyTorch's counter reports 8.2 GFLOPs for
# the same network. In this notebook we follow `torch.utils.flop_counter.FlopCounterMode`:
#
# * **1 multiply-add = 2 FLOPs**;
# * the **bias is not counted** (nor are ReLU, pooling or BatchNorm: the counter only counts
#   convolutions and matrix multiplies, which dominate anyway).
#
# Canziani et al.'s "operations" count the same way: their axis runs to 40 G-Ops, with VGG-16
# (15.5 billion multiply-adds, so 31 GFLOPs) and VGG-19 at the far right.

# %% [markdown]
# ## 2. Counting a convolution by hand
#
# A convolution layer with $K$ filters of size $F_h \times F_w$ over $C$ input channels produces
# an output volume $H' \times W' \times K$. Every output number is one dot product between a
# filter and a patch, and a filter spans the **full input depth**, so each output costs
# $F_h \cdot F_w \cdot C$ multiply-adds:
#
# $$\text{MACs} = \underbrace{N \cdot K \cdot H' \cdot W'}_{\text{outputs}} \cdot
# \underbrace{F_h F_w C}_{\text{per output}}, \qquad \text{FLOPs} = 2\cdot\text{MACs},
# \qquad H' = \left\lfloor\frac{H - F_h + 2P}{S}\right\rfloor + 1 .$$
#
# It is the **output** size that counts (one dot product per output), and the stride shrinks it.
# The lecture's layers, for one image:
#
# * 32×32×3 input, ten 5×5 filters, stride 1, pad 2: output 32×32×10 = 10,240 numbers, each a
#   5·5·3 = 75-term dot product, so **768,000 MACs = 1,536,000 FLOPs**.
# * A 1×1 convolution from 56×56×64 to 32 filters: 56·56·32 = 100,352 outputs of 64 MACs each,
#   **6,422,528 MACs = 12,845,056 FLOPs**.
# * AlexNet's CONV1: 227×227×3 input, 96 filters 11×11 at stride 4, pad 0: output
#   (227 − 11)/4 + 1 = 55, so 55·55·96 = 290,400 outputs of 11·11·3 = 363 MACs each,
#   **105,415,200 MACs = 210,830,400 FLOPs**. Forget the stride and you would count 217×217
#   outputs, 15 times too many.
#
# PyTorch's counter agrees on the first example. It is a context manager: every convolution and
# matrix multiply run inside it is counted.

# %%
layer = nn.Conv2d(3, 10, kernel_size=5, stride=1, padding=2)
x = torch.randn(1, 3, 32, 32)
with FlopCounterMode(display=False) as counter:
    y = layer(x)
print(f"nn.Conv2d(3, 10, 5, padding=2) on {tuple(x.shape)} -> {tuple(y.shape)}: "
      f"{counter.get_total_flops():,} FLOPs")
print(f"by hand: 2 * (32*32*10 outputs) * (5*5*3 per output) = {2 * 32 * 32 * 10 * 5 * 5 * 3:,}")

# %% [markdown]
# `kernel_size`, `stride` and `padding` of `nn.Conv2d` are either one int (the same along both
# axes) or a `(height, width)` pair. This helper turns either form into a pair; use it if you
# like.

# %%
def as_pair(value):
    """(value, value) for an int, or the (height, width) pair itself as a tuple of ints."""
    if np.ndim(value) == 0:
        return int(value), int(value)
    height, width = value
    return int(height), int(width)


print(as_pair(3), as_pair((3, 5)))

# %% [markdown]
# ### Exercise 1: `conv2d_flops(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0, batch_size=1)`
#
# Return the FLOPs of one forward pass of
# `nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding)` (no
# groups, no dilation) on a batch of `batch_size` inputs whose spatial size is `input_size`,
# with the counter's convention: **2 FLOPs per multiply-add, bias not counted**.
#
# * `kernel_size`, `input_size`, `stride` and `padding` are each an int or a `(height, width)`
#   pair;
# * compute the output size with the formula above (rounding down, as PyTorch does);
# * return an `int`. Plain Python arithmetic only: the test switches PyTorch off.

# %% solution="conv2d_flops"
def conv2d_flops(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0, batch_size=1):
    """FLOPs (2 per multiply-add, bias excluded) of nn.Conv2d's forward pass on a batch.

    kernel_size, input_size, stride, padding: int or (height, width). Returns an int.
    """
    ### BEGIN SOLUTION
    (kh, kw), (h, w) = as_pair(kernel_size), as_pair(input_size)
    (sh, sw), (ph, pw) = as_pair(stride), as_pair(padding)
    out_h = (h + 2 * ph - kh) // sh + 1
    out_w = (w + 2 * pw - kw) // sw + 1
    outputs = batch_size * out_channels * out_h * out_w
    macs_per_output = in_channels * kh * kw
    return int(2 * outputs * macs_per_output)
    ### END SOLUTION

# %% tests="test_conv2d_flops_same_size" points=1
# Layers whose output is as large as their input: the lecture's 5x5 pad-2 layer and a 1x1 conv.
import numpy as np
from cs_utils.checks import numpy_only

with numpy_only("conv2d_flops"):
    got = conv2d_flops(3, 10, 5, 32, stride=1, padding=2)
if got == 768_000:
    raise AssertionError("conv2d_flops(3, 10, 5, 32, padding=2) returned 768,000: that is the number of "
                         "multiply-adds (MACs); the counter's convention is 2 FLOPs per multiply-add")
if got == 512_000:
    raise AssertionError("conv2d_flops(3, 10, 5, 32, padding=2) returned 512,000: a filter spans all 3 input "
                         "channels, so each output costs 5*5*3 multiply-adds, not 5*5")
if got == 1_536_000 + 32 * 32 * 10:
    raise AssertionError("conv2d_flops(3, 10, 5, 32, padding=2) returned 1,546,240, one FLOP per output more than "
                         "1,536,000: that counts adding the bias, which the counter's convention leaves out")
assert got == 1_536_000, (f"conv2d_flops(3, 10, 5, 32, padding=2) returned {got!r}; expected "
                          "2 * (32*32*10 outputs) * (5*5*3) = 1,536,000")
with numpy_only("conv2d_flops"):
    got = conv2d_flops(64, 32, 1, 56)
assert got == 12_845_056, (f"conv2d_flops(64, 32, 1, 56) (a 1x1 conv, 56x56x64 -> 56x56x32) returned {got!r}; "
                           "expected 2 * 56*56*32 * 64 = 12,845,056")
assert isinstance(got, (int, np.integer)), f"conv2d_flops should return an int, got {type(got).__name__}"
print("conv2d_flops matches the lecture's layers with stride 1.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)  # undo any monkey-patching of the checks by student code
rng = np.random.default_rng(1201)
for trial in range(12):
    c_in, c_out = (int(v) for v in rng.integers(1, 70, size=2))
    k = int(rng.choice([1, 3, 5, 7]))
    size, n = int(rng.integers(k, 40)), int(rng.integers(1, 4))
    with checks.numpy_only("conv2d_flops"):
        got = conv2d_flops(c_in, c_out, k, size, stride=1, padding=k // 2, batch_size=n)
    expected = 2 * n * c_out * size * size * c_in * k * k  # 'same' padding: the output is size x size
    assert got == expected, (f"conv2d_flops({c_in}, {c_out}, {k}, {size}, stride=1, padding={k // 2}, "
                             f"batch_size={n}) returned {got!r}, expected {expected}")
### END HIDDEN TESTS

# %% tests="test_conv2d_flops_stride" points=2
# Layers that shrink the image: no padding, and the lecture's AlexNet CONV1 at stride 4.
import numpy as np
from cs_utils.checks import numpy_only

with numpy_only("conv2d_flops"):
    got = conv2d_flops(3, 6, 5, 32)
if got == 705_600 + 28 * 28 * 6:
    raise AssertionError("conv2d_flops(3, 6, 5, 32) returned 710,304, one FLOP per output more than 705,600: that "
                         "counts adding the bias, which the counter's convention leaves out")
if got == 2 * 32 * 32 * 6 * 75:
    raise AssertionError("conv2d_flops(3, 6, 5, 32) counted 32x32 outputs: use the output size, "
                         "32 - 5 + 1 = 28, since each output is one dot product")
assert got == 705_600, f"conv2d_flops(3, 6, 5, 32) returned {got!r}; expected 2 * 28*28*6 * 5*5*3 = 705,600"
with numpy_only("conv2d_flops"):
    got = conv2d_flops(3, 96, 11, 227, stride=4)
if got == 2 * 217 * 217 * 96 * 363:
    raise AssertionError("conv2d_flops(3, 96, 11, 227, stride=4) ignored the stride: the output is "
                         "(227 - 11)/4 + 1 = 55 wide, not 217")
assert got == 210_830_400, (f"AlexNet's CONV1, conv2d_flops(3, 96, 11, 227, stride=4), returned {got!r}; "
                            "expected 2 * 55*55*96 * 11*11*3 = 210,830,400")
with numpy_only("conv2d_flops"):
    got = conv2d_flops(3, 64, 7, 224, stride=2, padding=3)
if got == 2 * 113 * 113 * 64 * 7 * 7 * 3:
    raise AssertionError("conv2d_flops(3, 64, 7, 224, stride=2, padding=3) counted 113x113 outputs: "
                         "(224 + 2*3 - 7)/2 = 111.5 must be rounded down (// in Python, as PyTorch does), giving "
                         "111 + 1 = 112; round() or ceil gives 113")
assert got == 236_027_904, (f"ResNet's stem, conv2d_flops(3, 64, 7, 224, stride=2, padding=3), returned {got!r}; "
                            "expected 2 * 112*112*64 * 7*7*3 = 236,027,904")
print("conv2d_flops uses the output size, with stride and padding.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(1202)
for trial in range(15):
    c_in, c_out = (int(v) for v in rng.integers(1, 50, size=2))
    k, s = int(rng.integers(1, 8)), int(rng.integers(2, 5))
    p = int(rng.integers(0, k // 2 + 1))
    size = int(rng.integers(k, 60))
    out = (size + 2 * p - k) // s + 1
    with checks.numpy_only("conv2d_flops"):
        got = conv2d_flops(c_in, c_out, k, size, stride=s, padding=p)
    expected = 2 * c_out * out * out * c_in * k * k
    assert got == expected, (f"conv2d_flops({c_in}, {c_out}, {k}, {size}, stride={s}, padding={p}) returned "
                             f"{got!r}, expected {expected} (output {out}x{out})")
### END HIDDEN TESTS

# %% tests="test_conv2d_flops_batch_rectangular" points=1
# Rectangular filters, inputs, strides and paddings as (height, width) pairs, and a batch of 4.
import numpy as np
import torch
import torch.nn as nn
from torch.utils.flop_counter import FlopCounterMode

from cs_utils.checks import numpy_only

with numpy_only("conv2d_flops"):
    got = conv2d_flops(16, 8, (3, 5), (20, 30), stride=(1, 2), padding=(1, 2), batch_size=4)
# Output height (20 + 2 - 3)/1 + 1 = 20, width floor((30 + 4 - 5)/2) + 1 = 15.
expected = 2 * 4 * 8 * 20 * 15 * 16 * 3 * 5
assert got == expected, (f"conv2d_flops(16, 8, (3, 5), (20, 30), stride=(1, 2), padding=(1, 2), batch_size=4) "
                         f"returned {got!r}; expected 2 * 4*8*20*15 * 16*3*5 = {expected:,} (output 20x15)")
with torch.device("meta"), FlopCounterMode(display=False) as counter:
    nn.Conv2d(16, 8, (3, 5), stride=(1, 2), padding=(1, 2))(torch.empty(4, 16, 20, 30))
assert counter.get_total_flops() == expected, "the counter disagrees with the hand count (check the test)"
print("conv2d_flops handles (height, width) pairs and batches.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(1203)
for trial in range(15):
    c_in, c_out, n = int(rng.integers(1, 20)), int(rng.integers(1, 20)), int(rng.integers(1, 9))
    kh, kw = (int(v) for v in rng.integers(1, 6, size=2))
    sh, sw = (int(v) for v in rng.integers(1, 4, size=2))
    ph, pw = int(rng.integers(0, kh // 2 + 1)), int(rng.integers(0, kw // 2 + 1))
    h, w = int(rng.integers(kh, 40)), int(rng.integers(kw, 40))
    oh, ow = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    args = (c_in, c_out, (kh, kw), (h, w))
    with checks.numpy_only("conv2d_flops"):
        got = conv2d_flops(*args, stride=(sh, sw), padding=(ph, pw), batch_size=n)
    expected = 2 * n * c_out * oh * ow * c_in * kh * kw
    assert got == expected, (f"conv2d_flops{args} with stride {(sh, sw)}, padding {(ph, pw)}, batch {n} "
                             f"returned {got!r}, expected {expected} (output {oh}x{ow})")
### END HIDDEN TESTS

# %% tests="test_conv2d_flops_vs_counter" points=3
# The contract: conv2d_flops equals what FlopCounterMode counts for nn.Conv2d.
import numpy as np
import torch
import torch.nn as nn
from torch.utils.flop_counter import FlopCounterMode

from cs_utils.checks import numpy_only


def counted_flops(c_in, c_out, kernel, size, stride, padding, batch):
    height, width = (size, size) if isinstance(size, int) else size
    with torch.device("meta"), FlopCounterMode(display=False) as counter:  # shapes only: no real arithmetic
        nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding)(torch.empty(batch, c_in, height, width))
    return counter.get_total_flops()


for args in [(3, 64, 3, 32, 1, 1, 8), (64, 128, 3, 32, 2, 1, 2), (256, 64, 1, 14, 1, 0, 1),
             (5, 7, (2, 4), (9, 13), 3, 0, 2)]:
    with numpy_only("conv2d_flops"):
        got = conv2d_flops(*args)
    expected = counted_flops(*args)
    assert got == expected, (f"conv2d_flops{args} returned {got!r}; FlopCounterMode counts {expected:,} "
                             "for that nn.Conv2d (arguments: in, out, kernel, input size, stride, padding, batch; "
                             "output size floor((n + 2p - k) / s) + 1, rounded down)")
print("conv2d_flops agrees with torch.utils.flop_counter.FlopCounterMode.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(20261212)
for trial in range(30):
    c_in, c_out, n = int(rng.integers(1, 40)), int(rng.integers(1, 40)), int(rng.integers(1, 5))
    kh, kw = (int(v) for v in rng.integers(1, 8, size=2))
    sh, sw = (int(v) for v in rng.integers(1, 5, size=2))
    ph, pw = int(rng.integers(0, kh // 2 + 1)), int(rng.integers(0, kw // 2 + 1))
    h, w = int(rng.integers(kh, 50)), int(rng.integers(kw, 50))
    square = trial % 3 == 0
    kernel, size = (kh if square else (kh, kw)), (h if square else (h, w))
    stride, padding = (sh if square else (sh, sw)), (ph if square else (ph, pw))
    layer = nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding, device="meta")
    with FlopCounterMode(display=False) as reference_counter:
        layer(torch.empty(n, c_in, *((h, h) if square else (h, w)), device="meta"))
    k2 = (kh * kh) if square else (kh * kw)
    oh = (h + 2 * ph - kh) // sh + 1
    ow = oh if square else (w + 2 * pw - kw) // sw + 1
    by_formula = 2 * n * c_out * oh * ow * c_in * k2
    assert reference_counter.get_total_flops() == by_formula, "FlopCounterMode was tampered with"
    with checks.numpy_only("conv2d_flops"):
        got = conv2d_flops(c_in, c_out, kernel, size, stride=stride, padding=padding, batch_size=n)
    assert got == by_formula, (f"trial {trial}: conv2d_flops({c_in}, {c_out}, {kernel}, {size}, stride={stride}, "
                               f"padding={padding}, batch_size={n}) returned {got!r}, the counter says {by_formula}")
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Counting parameters
#
# A parameter is a number that the optimiser updates: the weights and biases of convolution and
# linear layers, and BatchNorm's scale γ and shift β. BatchNorm also keeps **buffers**, its
# running mean and variance (plus a step counter). They are saved with the model
# (`model.state_dict()` holds them) but they are not learned by gradient descent, so they are not
# parameters. `model.parameters()` yields each parameter tensor once, even when two layers share
# it.
#
# Sometimes only some parameters train, for example when fine-tuning only the last layer of a
# pretrained network; the others have `requires_grad=False`. For the lecture's conv layer, ten
# 5×5×3 filters plus ten biases make 760 parameters. For ResNet-18, torchvision documents
# 11,689,512; its final layer maps 512 features to 1,000 classes: 512·1000 + 1000 = 513,000.

# %% [markdown]
# ### Exercise 2: `count_parameters(model, trainable_only=False)`
#
# Return the number of parameters of `model` (an `int`): every entry of every parameter tensor,
# each tensor counted once, buffers excluded. With `trainable_only=True`, count only parameters
# with `requires_grad=True`.

# %% solution="count_parameters"
def count_parameters(model, trainable_only=False):
    """Number of learnable numbers in model (buffers excluded; shared tensors counted once)."""
    ### BEGIN SOLUTION
    return int(sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only))
    ### END SOLUTION

# %% tests="test_count_parameters" points=2
# The lecture's conv layer, torchvision's documented ResNet-18 count, and BatchNorm's buffers.
import numpy as np
import torch.nn as nn
import torchvision

got = count_parameters(nn.Conv2d(3, 10, 5))
assert isinstance(got, (int, np.integer)) and not isinstance(got, bool), (
    f"count_parameters(nn.Conv2d(3, 10, 5)) returned {got!r}, a {type(got).__name__}; return a Python int: "
    "int(total), or total.item() for a 0-d tensor (a tensor compares equal to the right number, but it is not one)")
assert got == 760, f"count_parameters(nn.Conv2d(3, 10, 5)) returned {got!r}; ten 5x5x3 filters + 10 biases = 760"
got = count_parameters(nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2, bias=False)))
if got == 2 * (4 * 3 + 3 + 3 * 2):
    raise AssertionError("count_parameters(Linear(4, 3), ReLU, Linear(3, 2, bias=False)) returned 42, twice 21: "
                         "model.modules() includes the Sequential itself, and module.parameters() includes every "
                         "parameter below a module, so each one counted for its layer and again for the "
                         "Sequential. Go over model.parameters() once")
assert got == 4 * 3 + 3 + 3 * 2, (
    f"count_parameters(Linear(4, 3), ReLU, Linear(3, 2, bias=False)) returned {got!r}, expected 21")
got = count_parameters(nn.BatchNorm2d(16))
if got == 16:
    raise AssertionError("count_parameters(nn.BatchNorm2d(16)) returned 16; gamma and beta are two tensors of 16 "
                         "values each, 32 in all. Counting each tensor once means by identity (id(p), `is`), not "
                         "by size: model.parameters() already yields each tensor once")
if got in (64, 65):
    raise AssertionError("count_parameters(nn.BatchNorm2d(16)) counted the running mean and variance: those are "
                         "buffers, not parameters (use model.parameters(), not state_dict())")
assert got == 32, f"count_parameters(nn.BatchNorm2d(16)) returned {got!r}; gamma and beta make 2 * 16 = 32"
# Tied weights: the second layer reuses the first layer's weight tensor, which counts once: 9 + 3 + 3 = 15.
first, second = nn.Linear(3, 3), nn.Linear(3, 3)
second.weight = first.weight
got = count_parameters(nn.Sequential(first, nn.Tanh(), second))
if got == 24:
    raise AssertionError("count_parameters of two Linear(3, 3) sharing one weight returned 24: the shared 3x3 weight "
                         "counted twice, once for each module that holds it (as m.parameters(recurse=False) over "
                         "model.modules() does). It is one tensor: model.parameters() yields it once")
assert got == 15, (f"count_parameters of two Linear(3, 3) sharing one weight returned {got!r}; the shared weight "
                   "counts once: 9 + 3 + 3 = 15")
resnet18 = torchvision.models.resnet18(weights=None)
got = count_parameters(resnet18)
assert got == 11_689_512, (f"count_parameters(resnet18) returned {got!r}; torchvision documents 11,689,512 "
                           "parameters for ResNet-18")
print("count_parameters counts parameters, not buffers.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(1204)
for trial in range(10):
    c_in, c_out, k, hidden = (int(v) for v in rng.integers(1, 9, size=4))
    bias = bool(trial % 2)
    model = nn.Sequential(nn.Conv2d(c_in, c_out, k, bias=bias), nn.BatchNorm2d(c_out), nn.ReLU(),
                          nn.AdaptiveAvgPool2d(1), nn.Sequential(nn.Flatten(), nn.Linear(c_out, hidden)))
    expected = c_out * c_in * k * k + (c_out if bias else 0) + 2 * c_out + c_out * hidden + hidden
    got = count_parameters(model)
    assert got == expected, (f"count_parameters of Conv2d({c_in}, {c_out}, {k}, bias={bias}), BatchNorm2d, ReLU, "
                             f"Linear({c_out}, {hidden}) (nested) returned {got!r}, expected {expected}")
    # Tied weights: the second layer reuses the first layer's weight tensor, which counts once.
    a, b = nn.Linear(hidden, hidden), nn.Linear(hidden, hidden)
    b.weight = a.weight
    got = count_parameters(nn.Sequential(a, nn.Tanh(), b))
    assert got == hidden * hidden + 2 * hidden, (f"count_parameters of two Linear({hidden}, {hidden}) sharing one "
                                                f"weight returned {got!r}, expected {hidden * hidden + 2 * hidden}")
got = count_parameters(torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=False))
assert got == 6_624_904, f"count_parameters(googlenet without aux heads) returned {got!r}, expected 6,624,904"
### END HIDDEN TESTS

# %% tests="test_count_parameters_trainable" points=1
# Fine-tuning only the last layer: trainable_only counts what the optimiser will update.
import numpy as np
import torch.nn as nn
import torchvision

resnet18 = torchvision.models.resnet18(weights=None)
for p in resnet18.parameters():
    p.requires_grad_(False)
for p in resnet18.fc.parameters():
    p.requires_grad_(True)
got = count_parameters(resnet18, trainable_only=True)
assert got == 513_000, (f"count_parameters(resnet18, trainable_only=True) with only fc trainable returned {got!r}; "
                        "expected 512*1000 + 1000 = 513,000")
got = count_parameters(resnet18)
if got != 11_689_512 and got == sum({p.numel() for p in resnet18.parameters()}):
    raise AssertionError(f"count_parameters(resnet18) returned {got:,}, the sum of its distinct tensor sizes: "
                         "tensors of equal size (the BatchNorms' gammas and betas, the convolutions of a stage) "
                         "are different tensors. Count each tensor once by identity (id(p), `is`), not by size: "
                         "model.parameters() already yields each tensor once")
assert got == 11_689_512, (f"count_parameters(resnet18) with frozen layers returned {got!r}; by default count every "
                           "parameter, trainable or not (11,689,512)")
print("count_parameters(model, trainable_only=True) counts only what trains.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(1205)
for trial in range(10):
    sizes = [int(v) for v in rng.integers(1, 12, size=int(rng.integers(2, 6)))]
    layers = [nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])]
    frozen = [bool(rng.random() < 0.5) for _ in layers]
    for layer, freeze in zip(layers, frozen):
        layer.requires_grad_(not freeze)
    model = nn.Sequential(*layers)
    total = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    trainable = sum(a * b + b for (a, b), f in zip(zip(sizes[:-1], sizes[1:]), frozen) if not f)
    assert count_parameters(model) == total, f"count_parameters of Linear layers {sizes} returned a wrong total"
    got = count_parameters(model, trainable_only=True)
    assert got == trainable, (f"count_parameters(model, trainable_only=True) for Linear layers {sizes} with frozen "
                              f"{frozen} returned {got!r}, expected {trainable}")
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Activation memory, measured with forward hooks
#
# Every layer's output is a new tensor, and during training the forward pass keeps most of them
# for backprop. Their total size limits the batch that fits on a GPU.
#
# We can list them with **forward hooks**: `module.register_forward_hook(hook)` makes PyTorch call
# `hook(module, inputs, output)` every time `module` runs. The call returns a handle;
# `handle.remove()` detaches the hook again (forgetting that leaves the hook running on every
# later forward pass).
#
# A worked example: LeNet-5 on one 32×32×3 image (convolution 5×5, pool 2, convolution 5×5,
# pool 2, then fully connected layers of 120, 84 and 10 units), in its modern form with ReLU and
# max pooling: this notebook does not print notebook 08's answer (tanh and average pooling), and
# the two forms have the same layer outputs, parameters and FLOPs. The convolution, pooling and
# linear layers output
#
# | layer | output | values |
# |---|---|---|
# | conv 6@5×5 | 6×28×28 | 4,704 |
# | max pool | 6×14×14 | 1,176 |
# | conv 16@5×5 | 16×10×10 | 1,600 |
# | max pool | 16×5×5 | 400 |
# | FC 120, 84, 10 | | 214 |
# | **total** | | **8,094** values = 32,376 bytes in float32 |
#
# Counting every leaf module (one with no sub-modules) adds the four ReLU outputs
# (4,704 + 1,600 + 120 + 84 = 6,508) and the 400 outputs of `Flatten`: 15,002 values. A ReLU with
# `inplace=True` overwrites its input and `Flatten` returns a view, so counting every leaf
# module overstates the real memory somewhat; it is a simple, reproducible upper bound.

# %% [markdown]
# ### Exercise 3: `activation_bytes(model, x, layer_types=None)`
#
# Run `model(x)` once (without gradients) and return the total number of **bytes** of the outputs
# of the selected modules, as an `int`:
#
# * `layer_types=None` selects every **leaf** module (one without children, such as `nn.Conv2d`
#   or `nn.ReLU`; containers such as `nn.Sequential` are not counted, or their outputs would be
#   counted twice); otherwise a tuple of module classes, and a module is selected when it is an
#   instance of one of them;
# * a module that runs twice in one forward pass counts twice;
# * bytes are `numel × element_size` of each output tensor, so a float64 model takes 8 bytes per
#   value; the input `x` itself is not counted;
# * remove your hooks before returning, even if the forward pass raises.

# %% solution="activation_bytes"
def activation_bytes(model, x, layer_types=None):
    """Bytes of the outputs of the selected modules in one forward pass of model on x (no gradients)."""
    ### BEGIN SOLUTION
    total = 0

    def hook(module, inputs, output):
        nonlocal total
        if torch.is_tensor(output):
            total += output.numel() * output.element_size()

    if layer_types is None:
        selected = [m for m in model.modules() if next(m.children(), None) is None]
    else:
        selected = [m for m in model.modules() if isinstance(m, tuple(layer_types))]
    handles = [m.register_forward_hook(hook) for m in selected]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for handle in handles:
            handle.remove()
    return int(total)
    ### END SOLUTION

# %% tests="test_activation_bytes_lenet" points=2
# The worked LeNet-5 example: conv, pool and linear outputs only.
import numpy as np
import torch
import torch.nn as nn

lenet = nn.Sequential(
    nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
kinds = (nn.Conv2d, nn.MaxPool2d, nn.Linear)
got = activation_bytes(lenet, torch.randn(1, 3, 32, 32), kinds)
assert isinstance(got, (int, np.integer)) and not isinstance(got, bool), (
    f"activation_bytes(LeNet-5, x, (Conv2d, MaxPool2d, Linear)) returned {got!r}, a {type(got).__name__}; return a "
    "Python int: int(total), or total.item() for a 0-d tensor (a tensor compares equal to the right number, but it "
    "is not one)")
if got == 4 * (3 * 32 * 32 + 4_704 + 1_176 + 1_600 + 400 + 120 + 84):
    raise AssertionError("activation_bytes(LeNet-5, x, (Conv2d, MaxPool2d, Linear)) returned 44,624, the bytes of "
                         "those layers' inputs: a forward hook is called as hook(module, inputs, output), and it is "
                         "the output that counts")
if got == 8_094:
    raise AssertionError("activation_bytes returned 8,094, the number of values; return bytes "
                         "(numel * element_size: 4 bytes per float32 value)")
if got == 32_376 + 3 * 32 * 32 * 4:
    raise AssertionError("activation_bytes counted the input x as well; count only the selected modules' outputs")
assert got == 32_376, (f"activation_bytes(LeNet-5, x of shape (1, 3, 32, 32), (Conv2d, MaxPool2d, Linear)) returned "
                       f"{got!r}; the worked example gives 8,094 float32 values = 32,376 bytes")
got = activation_bytes(lenet, torch.randn(2, 3, 32, 32), kinds)
assert got == 2 * 32_376, f"activation_bytes with a batch of 2 returned {got!r}; expected twice 32,376"
got = activation_bytes(lenet, torch.randn(1, 3, 32, 32), (nn.Conv2d,))
assert got == (4704 + 1600) * 4, f"activation_bytes(..., (nn.Conv2d,)) returned {got!r}; expected (4,704 + 1,600) * 4"
got = activation_bytes(lenet, torch.randn(1, 3, 32, 32), (nn.Sequential,))
assert got == 10 * 4, (f"activation_bytes(LeNet-5, x, (nn.Sequential,)) returned {got!r}; the model itself is the one "
                       "nn.Sequential and its output is 10 float32 values = 40 bytes: with layer_types, every module "
                       "that is an instance of a listed class counts, containers included")


class WideConv(nn.Conv2d):
    """A subclass of nn.Conv2d: an instance of nn.Conv2d, so layer_types=(nn.Conv2d,) selects it."""


# 2 * (4 * 6 * 6) values of the plain conv + 2 * (5 * 4 * 4) of the subclass, float32.
model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), WideConv(4, 5, 3)).eval()
got = activation_bytes(model, torch.randn(2, 3, 8, 8), (nn.Conv2d,))
if got == 4 * 2 * 4 * 36:
    raise AssertionError("activation_bytes(..., (nn.Conv2d,)) skipped WideConv, a subclass of nn.Conv2d: a module is "
                         "selected when it is an instance of a class in layer_types (isinstance(m, layer_types)), "
                         "not only when type(m) is one of them")
assert got == 4 * (2 * 4 * 36 + 2 * 5 * 16), (
    f"activation_bytes(..., (nn.Conv2d,)) on a model with a subclass of nn.Conv2d returned {got!r}, expected "
    f"{4 * (2 * 4 * 36 + 2 * 5 * 16)}: a module is selected when it is an instance of a class in layer_types")
print("activation_bytes matches the worked LeNet-5 example.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(1206)
type_choices = [(nn.Conv2d,), (nn.Conv2d, nn.Linear), (nn.BatchNorm2d, nn.MaxPool2d), (nn.ReLU,),
                (nn.Conv2d, nn.BatchNorm2d, nn.ReLU, nn.MaxPool2d, nn.Linear)]
for trial in range(10):
    channels, size = int(rng.integers(1, 4)), int(rng.integers(10, 20))
    layers = []
    for _ in range(int(rng.integers(1, 4))):
        out, k = int(rng.integers(1, 6)), int(rng.integers(1, 4))
        layers += [nn.Conv2d(channels, out, k, stride=int(rng.integers(1, 3)), padding=k // 2), nn.BatchNorm2d(out),
                   nn.ReLU()]
        if rng.random() < 0.5:
            layers.append(nn.MaxPool2d(2, ceil_mode=True))
        channels = out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, int(rng.integers(2, 6)))]
    model = nn.Sequential(*layers).eval()
    x = torch.randn(int(rng.integers(1, 4)), layers[0].in_channels, size, size)
    kinds = type_choices[trial % len(type_choices)]
    expected, h = 0, x
    with torch.no_grad():
        for layer in layers:  # run the layers one by one and add up the selected outputs
            h = layer(h)
            if isinstance(layer, kinds):
                expected += h.numel() * 4
    got = activation_bytes(model, x, kinds)
    assert got == expected, (f"trial {trial}: activation_bytes with layer types {[k.__name__ for k in kinds]} on "
                             f"a random Sequential returned {got!r}, expected {expected}")

### END HIDDEN TESTS

# %% tests="test_activation_bytes_leaves" points=2
# layer_types=None: every leaf module, containers excluded, a module that runs twice counts twice.
import numpy as np
import torch
import torch.nn as nn

lenet = nn.Sequential(
    nn.Sequential(nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2)),
    nn.Sequential(nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2)),
    nn.Flatten(), nn.Sequential(nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)))
got = activation_bytes(lenet, torch.randn(1, 3, 32, 32))
# The three inner Sequentials output 1,176, 400 and 10 values, and the model itself 10.
if got == 60_008 + 4 * (1_176 + 400 + 10 + 10):
    raise AssertionError(f"activation_bytes(LeNet-5 in nested Sequentials) returned {got!r}, the 15,002 float32 values "
                         "(60,008 bytes) of its leaf modules plus the outputs of the four Sequentials: containers must "
                         "not be counted")
if got == 4 * (3_072 + 2 * 4_704 + 1_176 + 2 * 1_600 + 2 * 400 + 2 * 120 + 2 * 84):
    raise AssertionError(f"activation_bytes(LeNet-5 in nested Sequentials) returned {got!r}, the bytes of the leaf "
                         "modules' inputs: a forward hook is called as hook(module, inputs, output), and it is the "
                         "output that counts")
assert got == 60_008, (f"activation_bytes(LeNet-5, x (1, 3, 32, 32)) over all leaf modules returned {got!r}; "
                       "expected 15,002 values (8,094 + 6,508 ReLU + 400 Flatten) = 60,008 bytes")


class TwiceRelu(nn.Module):
    """One nn.ReLU module used twice in forward: two outputs, both counted."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3, padding=1)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.conv(self.relu(x)))


got = activation_bytes(TwiceRelu(), torch.randn(1, 2, 5, 5))
if got == (2 * 25 + 3 * 25 + 3 * 25 + 3 * 25) * 4:
    raise AssertionError("activation_bytes(TwiceRelu(), x) returned 1,100 = 800 + 300: it also counted the output of "
                         "TwiceRelu itself, a module with children (conv and relu). A container is any module with "
                         "children, not only nn.Sequential: select the modules for which next(m.children(), None) "
                         "is None")
assert got == (2 * 25 + 3 * 25 + 3 * 25) * 4, (f"activation_bytes(ReLU, Conv2d, ReLU with one ReLU module) returned "
                                               f"{got!r}; each call counts: (50 + 75 + 75) * 4 = 800 bytes")
print("activation_bytes counts every call of every leaf module.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)


class Residual(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.branch = nn.Sequential(nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(),
                                    nn.Conv2d(c, c, 3, padding=1))
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.branch(x) + x)


rng = np.random.default_rng(1207)
for trial in range(8):
    c, n, size, blocks = (int(v) for v in rng.integers(1, 5, size=4))
    size += 3
    model = nn.Sequential(*[Residual(c) for _ in range(blocks)], nn.Flatten()).eval()
    x = torch.randn(n, c, size, size)
    per_block = 5 * n * c * size * size  # conv, bn, relu, conv, relu: each (n, c, size, size)
    expected = 4 * (blocks * per_block + n * c * size * size)
    got = activation_bytes(model, x)
    assert got == expected, (f"trial {trial}: activation_bytes of {blocks} residual block(s), x {tuple(x.shape)}, "
                             f"returned {got!r}, expected {expected}")
    got = activation_bytes(model, x, (Residual,))
    assert got == 4 * blocks * n * c * size * size, (
        f"trial {trial}: activation_bytes(..., (Residual,)) of {blocks} residual block(s), x {tuple(x.shape)}, "
        f"returned {got!r}, expected {4 * blocks * n * c * size * size}: a selected container counts its output")
# A model that is itself one layer has no children: it is a leaf module, and its output counts.
got = activation_bytes(nn.Conv2d(2, 3, 3), torch.randn(1, 2, 6, 6))
assert got == 3 * 4 * 4 * 4, (f"activation_bytes(nn.Conv2d(2, 3, 3), x (1, 2, 6, 6)) returned {got!r}, expected "
                              "3 * 4 * 4 values * 4 bytes = 192: a model without children is itself a leaf module")
### END HIDDEN TESTS

# %% tests="test_activation_bytes_hygiene" points=1
# Bytes follow the dtype, and no hook is left behind on the model, even when its forward pass raises.
import numpy as np
import torch
import torch.nn as nn
from torch.nn.modules import module as module_internals

net = nn.Sequential(nn.Conv2d(2, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 5)).double()
got = activation_bytes(net, torch.randn(3, 2, 8, 8, dtype=torch.float64), (nn.Conv2d, nn.Linear))
if got == 3 * (144 + 5) * 4:
    raise AssertionError("activation_bytes assumed 4 bytes per value; a float64 model uses 8 "
                         "(use the output's element_size())")
assert got == 3 * (144 + 5) * 8, f"activation_bytes of a float64 model returned {got!r}; expected 3 * (144 + 5) * 8"
leftover = [name or "model" for name, m in net.named_modules() if m._forward_hooks or m._forward_pre_hooks]
assert not leftover, f"activation_bytes left forward hooks on {leftover}: call handle.remove() for each hook"


class ToFloat32(nn.Module):
    """Casts its input to float32: outputs after it take 4 bytes per value, whatever x and the weights use."""

    def forward(self, x):
        return x.float()


# Each output's own element_size: a float64 conv (8 bytes per value), then float32 outputs (4 bytes).
mixed = nn.Sequential(nn.Conv2d(2, 3, 1).double(), ToFloat32(), nn.Flatten())
got = activation_bytes(mixed, torch.randn(2, 2, 5, 5, dtype=torch.float64))
expected = 2 * 3 * 25 * 8 + 2 * (2 * 3 * 25 * 4)
assert got == expected, (f"activation_bytes of a float64 conv followed by a cast to float32 (150 float64 values, "
                         f"then 300 float32 ones) returned {got!r}, expected {expected}: use each output's own "
                         "element_size(), not x's or the weights'")
assert not module_internals._global_forward_hooks, "activation_bytes left a global forward hook registered"


class FirstChannels(nn.Module):
    """Returns x[:, :channels], a view: it shares the storage of its whole input but holds fewer values."""

    def __init__(self, channels):
        super().__init__()
        self.channels = channels

    def forward(self, x):
        return x[:, :self.channels]


# The view holds 2 * 1 * 3 * 3 = 18 float32 values; the conv output whose storage it shares holds 72.
got = activation_bytes(nn.Sequential(nn.Conv2d(2, 4, 3), FirstChannels(1)), torch.randn(2, 2, 5, 5),
                       (FirstChannels,))
if got == 2 * 4 * 3 * 3 * 4:
    raise AssertionError("activation_bytes counted 288 bytes for x[:, :1] of a (2, 4, 3, 3) float32 tensor, the size "
                         "of the whole storage that the view shares: count the output's own elements, "
                         "output.numel() * output.element_size() (or output.nbytes), not its storage's nbytes()")
assert got == 2 * 1 * 3 * 3 * 4, (f"activation_bytes of a layer returning x[:, :1] of a (2, 4, 3, 3) float32 tensor "
                                  f"returned {got!r}, expected 18 values * 4 bytes = 72")


def hooks_left_after_failure(model, x):
    """Names of the modules that still carry hooks after activation_bytes(model, x) failed in model(x)."""
    try:
        activation_bytes(model, x)
    except Exception:  # the text does not say whether the error reaches the caller: either way is accepted
        pass
    return [name or "model" for name, m in model.named_modules() if m._forward_hooks or m._forward_pre_hooks]


# Linear(5, 5) gets the 144 values of the convolution: model(x) raises after the convolution's hook has run.
broken = nn.Sequential(nn.Conv2d(2, 4, 3), nn.Flatten(), nn.Linear(5, 5))
leftover = hooks_left_after_failure(broken, torch.randn(1, 2, 8, 8))
assert not leftover, (f"activation_bytes left forward hooks on {leftover} when model(x) raised an error: remove "
                      "them in a finally block (try: model(x) ... finally: handle.remove() for each handle), so "
                      "they go even when the forward pass fails")
assert not module_internals._global_forward_hooks, ("activation_bytes left a global forward hook registered when "
                                                    "model(x) raised an error")
print("activation_bytes follows the dtype and cleans up its hooks, even after a failing forward pass.")
### BEGIN HIDDEN TESTS
import importlib

import cs_utils.checks

checks = importlib.reload(cs_utils.checks)
rng = np.random.default_rng(1208)
for trial in range(6):
    dtype = [torch.float32, torch.float64, torch.float16][trial % 3]
    c_in, c_out, n = (int(v) for v in rng.integers(1, 5, size=3))
    net = nn.Sequential(nn.Conv2d(c_in, c_out, 1), nn.Flatten()).to(dtype)
    x = torch.randn(n, c_in, 4, 4).to(dtype)
    if dtype == torch.float16:
        net = net.to("meta")
        x = x.to("meta")  # half-precision convolution may be missing on CPU; shapes are all we need
    got = activation_bytes(net, x)
    expected = 2 * n * c_out * 16 * x.element_size()
    assert got == expected, f"activation_bytes in {dtype} returned {got!r}, expected {expected}"
    assert not any(m._forward_hooks for m in net.modules()), "activation_bytes left hooks behind"
assert not module_internals._global_forward_hooks, "activation_bytes left a global forward hook registered"
for trial in range(4):  # outputs that are views of larger tensors count only their own elements
    dtype = [torch.float32, torch.float64][trial % 2]
    c_in, c_out, n = (int(v) for v in rng.integers(2, 6, size=3))
    keep = int(rng.integers(1, c_out))
    net = nn.Sequential(nn.Conv2d(c_in, c_out, 1), FirstChannels(keep)).to(dtype)
    x = torch.randn(n, c_in, 3, 4, dtype=dtype)
    size = torch.empty((), dtype=dtype).element_size()
    got = activation_bytes(net, x, (FirstChannels,))
    assert got == n * keep * 12 * size, (f"activation_bytes of x[:, :{keep}] of a {(n, c_out, 3, 4)} {dtype} tensor "
                                         f"returned {got!r}, expected {n * keep * 12 * size}")
    got = activation_bytes(net, x)
    assert got == n * (c_out + keep) * 12 * size, (f"activation_bytes of Conv2d({c_in}, {c_out}, 1) then "
                                                   f"x[:, :{keep}], x {tuple(x.shape)}, returned {got!r}, "
                                                   f"expected {n * (c_out + keep) * 12 * size}")


class FailsHalfway(nn.Module):
    """Runs some of its layers, then raises an error that is not a RuntimeError."""

    def __init__(self, depth):
        super().__init__()
        self.layers = nn.ModuleList(nn.Conv2d(2, 2, 1) for _ in range(depth))

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        raise ValueError("this model always fails")


for depth in (1, 3):
    leftover = hooks_left_after_failure(FailsHalfway(depth), torch.randn(1, 2, 4, 4))
    assert not leftover, f"activation_bytes left hooks on {leftover} when model(x) raised a ValueError"
assert not module_internals._global_forward_hooks, "activation_bytes left a global forward hook registered"

### END HIDDEN TESTS

# %% [markdown]
# ## 5. Counting without computing: the `meta` device
#
# `FlopCounterMode` counts the operations that actually run, so counting VGG-16 at 224×224 costs
# a real forward pass: 31 billion FLOPs, about a second on a laptop CPU. But the count depends
# only on shapes. PyTorch's **meta device** has tensors with a shape and a dtype and no data:
# operations on them compute only the output shape. Build a model under `torch.device("meta")`
# and the counter, the hooks of `activation_bytes` and `count_parameters` all work instantly,
# without allocating 138M weights.
#
# The cell below times the same count both ways for ResNet-18. (A cheaper trick is to count at a
# lower resolution and scale: convolution FLOPs grow with the number of output pixels, so halving
# the side divides them by 4. It is only approximately right, as the second part shows: torchvision's
# VGG-16 ends its convolutions with an adaptive average pool that always outputs 7×7 maps, so its
# fully connected layers cost the same at any input size.)

# %% tags=["experiment"]
def count_flops(model, x):
    """Total FLOPs of model(x) according to FlopCounterMode (2 per multiply-add), without gradients."""
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(x)
    return counter.get_total_flops()


start = time.process_time()
real = count_flops(torchvision.models.resnet18(weights=None).eval(), torch.randn(1, 3, 224, 224))
real_seconds = time.process_time() - start
start = time.process_time()
with torch.device("meta"):
    meta_model, meta_x = torchvision.models.resnet18(weights=None).eval(), torch.empty(1, 3, 224, 224)
meta = count_flops(meta_model, meta_x)
meta_seconds = time.process_time() - start
print(f"ResNet-18 at 224x224: {real / 1e9:.3f} GFLOPs on real tensors ({real_seconds:.2f} s CPU, "
      f"including building the model), {meta / 1e9:.3f} GFLOPs on meta tensors ({meta_seconds:.3f} s CPU)")

with torch.device("meta"):
    vgg_meta = torchvision.models.vgg16(weights=None).eval()
    full, half = (count_flops(vgg_meta, torch.empty(1, 3, s, s)) for s in (224, 112))
print(f"VGG-16: {full / 1e9:.2f} GFLOPs at 224; at 112, {half / 1e9:.2f} x 4 = {4 * half / 1e9:.2f} GFLOPs "
      f"({100 * (4 * half - full) / full:+.2f}%: its fully connected layers see 7x7 features either way)")

# %% [markdown]
# ## 6. The course's models
#
# The models of notebooks 08–11 at CIFAR-10 size (32×32×3 input, 10 classes), plus an AlexNet-style
# network defined only here (notebook 08 builds AlexNet at ImageNet size, 227×227, and does not train
# it). The definitions below are written with torchvision's building blocks (VGG's `make_layers`,
# GoogLeNet's `Inception`, ResNet's `BasicBlock`) so that this notebook stands on its own; your
# own versions from 08–11 should give the same counts.
#
# * **LeNet-5** (1998): two 5×5 convolutions, each followed by a 2×2 pool, and three fully
#   connected layers; written here with ReLU and max pooling (notebook 08's tanh and average
#   pooling have the same parameters and FLOPs, and this notebook does not print 08's answer).
# * **AlexNet-style** (defined here, not in notebook 08): AlexNet's five convolutions and three max
#   pools scaled down to 32×32 inputs, and two 1,024-unit FC layers with dropout.
# * **VGG-11 (CIFAR)**: the network notebook 09 trains in full mode: VGG's configuration "A" (eight
#   3×3 convolutions, no BatchNorm, five 2×2 pools) and a classifier of two 512-unit FC layers
#   with dropout.
# * **mini-GoogLeNet**: notebook 10's network at full width as it runs at test time (without the
#   two auxiliary heads, which only training uses): a 3×3 stem, all nine Inception modules, global
#   average pooling. torchvision's `Inception` gives its "5×5" branch a 3×3 convolution; we
#   swap in a real 5×5, as in the paper and in notebook 10.
# * **ResNet-20** (He et al.'s CIFAR net, 16/32/64 channels) and **ResNet-18 (CIFAR)**
#   (3×3 stem, no max pool), as in notebook 11.

# %%
from torchvision.models.googlenet import BasicConv2d, Inception
from torchvision.models.resnet import BasicBlock
from torchvision.models.vgg import make_layers


def lenet5(num_classes=10):
    return nn.Sequential(
        nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, num_classes))


def alexnet_cifar(num_classes=10):
    return nn.Sequential(
        nn.Conv2d(3, 64, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Dropout(0.5), nn.Linear(256 * 3 * 3, 1024), nn.ReLU(inplace=True),
        nn.Dropout(0.5), nn.Linear(1024, 1024), nn.ReLU(inplace=True), nn.Linear(1024, num_classes))


def vgg11_cifar(num_classes=10, hidden=512):
    config = [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]  # configuration "A"
    return nn.Sequential(make_layers(config, batch_norm=False), nn.Flatten(),
                         nn.Linear(512, hidden), nn.ReLU(inplace=True), nn.Dropout(0.5),
                         nn.Linear(hidden, hidden), nn.ReLU(inplace=True), nn.Dropout(0.5),
                         nn.Linear(hidden, num_classes))


def inception(in_channels, c1, c3r, c3, c5r, c5, pool_proj):
    """torchvision's Inception with a real 5x5 convolution in its "5x5" branch (torchvision uses 3x3)."""
    module = Inception(in_channels, c1, c3r, c3, c5r, c5, pool_proj)
    module.branch3[1] = BasicConv2d(c5r, c5, kernel_size=5, padding=2)
    return module


def mini_googlenet(num_classes=10):
    modules = {"3a": (64, 96, 128, 16, 32, 32), "3b": (128, 128, 192, 32, 96, 64), "4a": (192, 96, 208, 16, 48, 64),
               "4b": (160, 112, 224, 24, 64, 64), "4c": (128, 128, 256, 24, 64, 64),
               "4d": (112, 144, 288, 32, 64, 64), "4e": (256, 160, 320, 32, 128, 128),
               "5a": (256, 160, 320, 32, 128, 128), "5b": (384, 192, 384, 48, 128, 128)}
    # No pools in the stem, as notebook 10's default (stem_pools=0): 3a/3b see the full 32x32 input.
    layers = [BasicConv2d(3, 64, kernel_size=3, padding=1),
              BasicConv2d(64, 64, kernel_size=1), BasicConv2d(64, 192, kernel_size=3, padding=1)]
    channels = 192
    for name in ["3a", "3b", "pool", "4a", "4b", "4c", "4d", "4e", "pool", "5a", "5b"]:
        if name == "pool":
            layers.append(nn.MaxPool2d(3, 2, padding=1))
            continue
        layers.append(inception(channels, *modules[name]))
        c1, _, c3, _, c5, pool_proj = modules[name]
        channels = c1 + c3 + c5 + pool_proj
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.4), nn.Linear(channels, num_classes)]
    return nn.Sequential(*layers)


def resnet_cifar(blocks=(2, 2, 2, 2), widths=(64, 128, 256, 512), num_classes=10):
    layers = [nn.Conv2d(3, widths[0], 3, padding=1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True)]
    channels = widths[0]
    for stage, (count, width) in enumerate(zip(blocks, widths)):
        for i in range(count):
            stride = 2 if stage > 0 and i == 0 else 1
            shortcut = None
            if stride != 1 or channels != width:  # projection shortcut when the shape changes
                shortcut = nn.Sequential(nn.Conv2d(channels, width, 1, stride=stride, bias=False),
                                         nn.BatchNorm2d(width))
            layers.append(BasicBlock(channels, width, stride, shortcut))
            channels = width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes)]
    return nn.Sequential(*layers)


COURSE_MODELS = {
    "LeNet-5": lenet5,
    "AlexNet-style": alexnet_cifar,
    "VGG-11 (CIFAR)": vgg11_cifar,
    "mini-GoogLeNet": mini_googlenet,
    "ResNet-20": lambda: resnet_cifar((3, 3, 3), (16, 32, 64)),
    "ResNet-18 (CIFAR)": resnet_cifar,
}

# %% [markdown]
# The next cell measures each model on the meta device, for one image: parameters with your
# `count_parameters`, FLOPs with the counter, and activation memory with your
# `activation_bytes` (all leaf modules, float32). It also checks your `conv2d_flops` on every
# layer: hooks record each convolution's input size, and your hand count of all convolutions,
# plus 2·in·out FLOPs per linear layer, must equal the counter's total (the counter counts
# nothing else in these models).

# %% tags=["experiment"]
def hand_count(model, x):
    """FLOPs of model(x) from conv2d_flops for every Conv2d call plus 2*in*out*batch per Linear call."""
    total = 0

    def conv_hook(m, inputs, output):
        nonlocal total
        assert m.groups == 1 and m.dilation == (1, 1)
        total += conv2d_flops(m.in_channels, m.out_channels, m.kernel_size, tuple(inputs[0].shape[-2:]),
                              m.stride, m.padding, batch_size=inputs[0].shape[0])

    def linear_hook(m, inputs, output):
        nonlocal total
        total += 2 * inputs[0].shape[0] * m.in_features * m.out_features

    handles = [m.register_forward_hook(conv_hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    handles += [m.register_forward_hook(linear_hook) for m in model.modules() if isinstance(m, nn.Linear)]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return total


def measure(build, image_size):
    """Parameters, FLOPs, hand-counted FLOPs and activation bytes of one image, on the meta device."""
    with torch.device("meta"):
        model, x = build().eval(), torch.empty(1, 3, image_size, image_size)
    return {"params": count_parameters(model), "flops": count_flops(model, x), "hand": hand_count(model, x),
            "act_bytes": activation_bytes(model, x)}


def print_table(results, title):
    print(title)
    print(f"{'model':<20}{'params':>13}{'GFLOPs':>9}{'act. MB':>9}  hand count = counter")
    for name, r in results.items():
        print(f"{name:<20}{r['params']:>13,}{r['flops'] / 1e9:>9.3f}{r['act_bytes'] / 1e6:>9.2f}  "
              f"{r['hand'] == r['flops']}")


course = {name: measure(build, 32) for name, build in COURSE_MODELS.items()}
print_table(course, "Course models, one 32x32x3 image (float32 activations, all leaf modules):")

# %% [markdown]
# ## 7. The reference architectures at ImageNet size
#
# The same measurements for torchvision's versions of the lecture's case studies, at 224×224.
# `weights=None` builds the architecture without downloading anything. GoogLeNet is built
# without its two auxiliary classifiers (`aux_logits=False`): they only exist during training,
# and with them the model has 13.0M parameters instead of the 6.6M usually quoted.
#
# The right-hand column compares with the "GFLOPS" that torchvision documents for each model:
# those are multiply-adds, so our FLOPs should be twice as large.

# %% tags=["experiment"]
REFERENCE_MODELS = {
    "AlexNet": torchvision.models.alexnet,
    "VGG-16": torchvision.models.vgg16,
    "GoogLeNet": lambda: torchvision.models.googlenet(aux_logits=False, init_weights=False),
    "ResNet-18": torchvision.models.resnet18,
    "ResNet-34": torchvision.models.resnet34,
    "ResNet-50": torchvision.models.resnet50,
}
reference = {name: measure(build, 224) for name, build in REFERENCE_MODELS.items()}
print_table(reference, "torchvision models, one 224x224x3 image:")

WEIGHTS = {"AlexNet": torchvision.models.AlexNet_Weights, "VGG-16": torchvision.models.VGG16_Weights,
           "GoogLeNet": torchvision.models.GoogLeNet_Weights, "ResNet-18": torchvision.models.ResNet18_Weights,
           "ResNet-34": torchvision.models.ResNet34_Weights, "ResNet-50": torchvision.models.ResNet50_Weights}
print(f"\n{'model':<12}{'documented params':>19}{'ours':>13}{'documented GMACs':>18}{'our GFLOPs / 2':>16}")
for name, weights in WEIGHTS.items():
    meta = weights.IMAGENET1K_V1.meta  # metadata that ships with torchvision: nothing is downloaded
    print(f"{name:<12}{meta['num_params']:>19,}{reference[name]['params']:>13,}{meta['_ops']:>18.3f}"
          f"{reference[name]['flops'] / 2e9:>16.3f}")

# %% [markdown]
# Where do VGG-16's parameters, operations and activations sit? The counter also reports FLOPs
# per module (`counter.get_flop_counts()`); hooks give the rest. The early convolutions work at
# full resolution: they dominate memory and a good part of the operations, while the first fully
# connected layer alone holds 103M of the 138M parameters (7·7·512·4096 weights).

# %% tags=["experiment"]
with torch.device("meta"):
    vgg = torchvision.models.vgg16(weights=None).eval()
    x = torch.empty(1, 3, 224, 224)
layers = [(name, m) for name, m in vgg.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
outputs = {}
handles = [m.register_forward_hook(lambda m, i, o, name=name: outputs.__setitem__(name, o.numel()))
           for name, m in layers]
with FlopCounterMode(display=False) as counter, torch.no_grad():
    vgg(x)
for h in handles:
    h.remove()
per_module = counter.get_flop_counts()
labels = [("conv" if isinstance(m, nn.Conv2d) else "fc") + name.split(".")[-1] for name, m in layers]
rows = {"activations (M values)": [outputs[name] / 1e6 for name, _ in layers],
        "parameters (M)": [count_parameters(m) / 1e6 for _, m in layers],
        "GFLOPs": [sum(per_module[f"VGG.{name}"].values()) / 1e9 for name, _ in layers]}
fig, axes = plt.subplots(3, 1, figsize=(10, 6.5), sharex=True)
for ax, (label, values) in zip(axes, rows.items()):
    ax.bar(range(len(values)), values, color="tab:blue")
    ax.set_ylabel(label)
axes[-1].set_xticks(range(len(labels)), labels, rotation=60)
axes[0].set_title("VGG-16 at 224x224, per layer")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 1. VGG-16 layer by layer (13 convolutions, then 3 fully connected layers; labels are
# torchvision's module indices). Activations pile up in the first layers, parameters in the
# last ones; the operations are spread over the convolutions.*
#
# ## 8. Accuracy against operations (Canziani et al.)
#
# The published ImageNet top-1 accuracies below are torchvision's, for the `IMAGENET1K_V1`
# weights of each model (single 224×224 centre crop after resizing to 256), as documented in the
# torchvision model table (https://pytorch.org/vision/stable/models.html) and stored in each
# weights enum's metadata, `Weights.IMAGENET1K_V1.meta["_metrics"]["ImageNet-1K"]["acc@1"]`.
# They are written out here, and the next cell checks them against the installed torchvision's
# metadata (no download: the metadata ships with the package). Canziani et al. measured their own
# accuracies, so their chart's values differ slightly from these.

# %% tags=["experiment"]
PUBLISHED_TOP1 = {  # torchvision IMAGENET1K_V1 weights, ImageNet-1K validation, top-1 accuracy in %
    "AlexNet": 56.522, "VGG-16": 71.592, "GoogLeNet": 69.778,
    "ResNet-18": 69.758, "ResNet-34": 73.314, "ResNet-50": 76.130,
}
for name, weights in WEIGHTS.items():
    documented = weights.IMAGENET1K_V1.meta["_metrics"]["ImageNet-1K"]["acc@1"]
    assert abs(documented - PUBLISHED_TOP1[name]) < 1e-9, f"{name}: torchvision now says {documented}"
print("the accuracies above match the installed torchvision's metadata")

names = list(PUBLISHED_TOP1)
gflops = np.array([reference[n]["flops"] / 1e9 for n in names])
top1 = np.array([PUBLISHED_TOP1[n] for n in names])
params_m = np.array([reference[n]["params"] / 1e6 for n in names])
colors = plt.cm.tab10(np.arange(len(names)))
scale = 12.0  # marker area (points^2) per million parameters

fig, ax = plt.subplots(figsize=(8, 5))
ax.scatter(gflops, top1, s=scale * params_m, c=colors, alpha=0.55, edgecolors="k")
for n, gx, gy in zip(names, gflops, top1):
    ax.annotate(n, (gx, gy), textcoords="offset points", xytext=(8, -12 if n == "ResNet-18" else 6))
for m in (5, 50, 150):
    ax.scatter([], [], s=scale * m, c="lightgray", edgecolors="k", label=f"{m}M parameters")
ax.legend(loc="lower right", labelspacing=2.2, borderpad=1.2, frameon=False)
ax.set_xlabel("operations per image [GFLOPs, 2 per multiply-add, 224x224]")
ax.set_ylabel("ImageNet top-1 accuracy [%]")
ax.set_title("Accuracy vs operations; bubble area = parameters")
ax.set_xlim(0, 35)
ax.set_ylim(52, 80)
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# *Figure 2. Our version of the lecture's comparison chart: operations counted by
# `FlopCounterMode`, bubble areas from `count_parameters`, accuracies from torchvision's
# documentation. VGG-16 sits far to the right with the largest bubble; GoogLeNet and the ResNets
# reach similar or better accuracy for a fraction of the operations; AlexNet is cheap in
# operations but holds 61M parameters for the lowest accuracy.*
#
# Two ratios summarise the chart: accuracy per operation, and accuracy per parameter (Canziani
# et al. call the latter "accuracy density").

# %% tags=["experiment"]
print(f"{'model':<12}{'top-1 %':>9}{'% per GFLOP':>13}{'% per M params':>16}")
for n, g, a, p in zip(names, gflops, top1, params_m):
    print(f"{n:<12}{a:>9.2f}{a / g:>13.2f}{a / p:>16.2f}")

# %% [markdown]
# ## 9. Time: measured correctly
#
# Operations are a proxy. What we wait for is time, and measuring it has three traps:
#
# 1. **Warm-up.** The first calls are slow: memory allocation, cuDNN picking algorithms,
#    `torch.compile` compiling. Time only after a few untimed calls.
# 2. **Asynchrony.** On a GPU, `model(x)` returns as soon as the kernels are *queued*. Without
#    `torch.cuda.synchronize()` before reading the clock, you time the launch, not the work
#    (this is how "14,000× CUDA speed-ups" get reported).
# 3. **Noise.** Other processes interfere; report the median of several repeats.
#
# `cs_utils.timing.benchmark(fn, warmup, repeats, device)` does all three. We time inference
# (evaluation mode, no gradients) and report images per second and the achieved GFLOP/s
# (counted FLOPs divided by the measured time). In quick mode the batches are tiny and the
# torchvision models run at 64×64 to keep the CPU cost low (each ends its convolutions with an
# adaptive average pool, global in GoogLeNet and the ResNets, to 6×6 in AlexNet and 7×7 in VGG-16,
# so any input that large works); the full run uses larger batches and 224×224 (on a GPU, if there is one).

# %% tags=["experiment"]
quick = is_quick()
COURSE_BATCH = 2 if quick else 256
REF_BATCH, REF_SIZE = (1, 64) if quick else (32, 224)
WARMUP, REPEATS = (1, 3) if quick else (3, 10)


def time_model(build, batch, size):
    """Images/s and achieved GFLOP/s of inference on `device`, timed with warm-up, sync and median."""
    with torch.device("meta"):
        flops = count_flops(build().eval(), torch.empty(batch, 3, size, size))  # counted for free
    reset_seed(SEED)
    model = build().to(device).eval()
    x = torch.randn(batch, 3, size, size, device=device)
    with torch.inference_mode():
        timing = benchmark(lambda: model(x), warmup=WARMUP, repeats=REPEATS, device=device)
    seconds = timing["median_s"]
    return {"images_per_s": batch / seconds, "gflops_per_s": flops / seconds / 1e9, "ms": 1e3 * seconds,
            "flops_per_image": flops / batch}


speed = {}
for name, build in COURSE_MODELS.items():
    speed[name] = time_model(build, COURSE_BATCH, 32)
for name, build in REFERENCE_MODELS.items():
    speed[name] = time_model(build, REF_BATCH, REF_SIZE)
print(f"{device}: course models at batch {COURSE_BATCH} (32x32), torchvision models at batch {REF_BATCH} "
      f"({REF_SIZE}x{REF_SIZE}); median of {REPEATS} after {WARMUP} warm-up call(s)")
print(f"{'model':<20}{'ms/batch':>10}{'images/s':>11}{'GFLOP/s':>9}")
for name, s in speed.items():
    print(f"{name:<20}{s['ms']:>10.1f}{s['images_per_s']:>11.1f}{s['gflops_per_s']:>9.1f}")

# %% tags=["experiment"]
fig, ax = plt.subplots(figsize=(9.5, 4.8))
points = []
for group, models, marker, color in [("course (32x32)", COURSE_MODELS, "o", "tab:blue"),
                                     (f"torchvision ({REF_SIZE}x{REF_SIZE})", REFERENCE_MODELS, "s", "tab:orange")]:
    xs = [speed[n]["flops_per_image"] for n in models]
    ys = [speed[n]["images_per_s"] for n in models]
    ax.scatter(xs, ys, marker=marker, s=60, color=color, label=group)
    points += [(n, gx, gy, color) for n, gx, gy in zip(models, xs, ys)]
# Many points crowd in one corner: the labels go in a column right of the axes, in the order of
# the points' heights, each joined to its point by a thin line, so that no two overlap.
for rank, (n, gx, gy, color) in enumerate(sorted(points, key=lambda point: -point[2])):
    ax.annotate(n, (gx, gy), xytext=(1.03, 1 - (rank + 0.5) / len(points)), textcoords="axes fraction",
                va="center", fontsize=8, color=color,
                arrowprops={"arrowstyle": "-", "color": color, "lw": 0.6, "alpha": 0.6})
rate = np.median([s["gflops_per_s"] for s in speed.values()]) * 1e9  # FLOP/s
span = np.array([min(s["flops_per_image"] for s in speed.values()), max(s["flops_per_image"] for s in speed.values())])
ax.plot(span, rate / span, "k--", lw=1, label=f"constant {rate / 1e9:.1f} GFLOP/s")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("FLOPs per image (at the timed resolution)")
ax.set_ylabel("images per second")
ax.set_title(f"Inference throughput on {device}")
ax.grid(alpha=0.3, which="both")
ax.legend(loc="lower left")
fig.subplots_adjust(left=0.09, right=0.76, bottom=0.12)
plt.show()

# %% [markdown]
# *Figure 3. Measured throughput against operations per image (log scales); the names sit in a
# column on the right, each joined to its point by a thin line, because many points crowd
# together. If time were proportional to FLOPs, every point would lie on the dashed line of
# slope −1 (the median achieved GFLOP/s). They scatter around it: models made of many small
# layers (the Inception branches of GoogLeNet and mini-GoogLeNet) tend to achieve fewer GFLOP/s
# than models made of a few big convolutions (VGG), because each layer has a fixed overhead and
# small matrix multiplies use the hardware poorly. On a CPU in quick mode, with batches of 1–2
# on a shared machine, the numbers are noisy; the full run on a GPU gives numbers worth
# comparing.*
#
# `benchmarks/gpu_check.py` in the course repository goes further on a GPU: it times a ResNet-18
# *training* step in fp32, in bf16 with channels-last memory layout, and with `torch.compile`,
# and reports the achieved TFLOP/s against the GPU's measured matrix-multiply peak.
#
# ## 10. Faster training steps on a GPU
#
# On a GPU, three switches change the time of a *training* step (forward, backward, optimizer)
# without changing the model: **mixed precision** (`torch.autocast` to bf16 on compute capability
# 8.0 or more, else fp16: `cs_utils.training.amp_policy`), the **channels_last** memory layout
# (the layout tensor cores read fastest), and **`torch.compile`**, which fuses the many small
# element-wise kernels (BatchNorm, ReLU, additions) into fewer. The next cell times one
# ResNet-18 (CIFAR) step on a CIFAR-shaped batch of 256 with `benchmark` (warm-up, synchronize,
# median). It runs only on a CUDA GPU; on a CPU it says so and times nothing. Compiling takes
# about a minute, so quick mode leaves `torch.compile` out.

# %% tags=["experiment"]
from cs_utils.training import amp_policy, precision_name


def train_step_time(dtype=None, channels_last=False, compile=False, batch=256):
    """Median seconds of one SGD training step of ResNet-18 (CIFAR) on `device`."""
    reset_seed(SEED)
    model = resnet_cifar().to(device)
    layout = torch.channels_last if channels_last else torch.contiguous_format
    model = model.to(memory_format=layout)
    step_model = torch.compile(model) if compile else model
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = torch.randn(batch, 3, 32, 32, device=device).contiguous(memory_format=layout)
    y = torch.randint(0, 10, (batch,), device=device)

    def step():
        with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
            loss = nn.functional.cross_entropy(step_model(x).float(), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()  # bf16 needs no GradScaler; for fp16 training use one (cs_utils.training.fit does)
        optimizer.step()

    return benchmark(step, warmup=3 if compile else 2, repeats=10, device=device)["median_s"]


if device.type != "cuda":
    print(f"This comparison needs a CUDA GPU; this run has {device}, so nothing is timed here.")
else:
    dtype, _ = amp_policy(device)
    variants = {"fp32": {}, f"{precision_name(dtype)} + channels_last": {"dtype": dtype, "channels_last": True}}
    if not is_quick():
        variants[f"{precision_name(dtype)} + channels_last + compile"] = {"dtype": dtype, "channels_last": True,
                                                                          "compile": True}
    times = {name: train_step_time(**options) for name, options in variants.items()}
    for name, seconds in times.items():
        print(f"{name:<34}{1e3 * seconds:8.1f} ms per step of 256 images  ({times['fp32'] / seconds:.1f}x fp32)")

# %% [markdown]
# ## 11. Your own trained models on the chart
#
# Notebooks 08–11 train the course's models and save their results with
# `cs_utils.training.save_results` to the course's one `results/` folder
# (`cs_utils.training.results_dir()`), as `results/08_lenet_alexnet.json` to
# `results/11_resnet.json`: a list of objects with at least `"model"` and `"accuracy"` (the test
# accuracy), and the parameters, FLOPs, wall time, precision and mode (quick or full) of the run.
# The next cell plots them against their operations: for the models of section 6 from our table,
# for the smaller quick-mode models from the numbers in the file. Their accuracies are on CIFAR-10
# or the MNIST subset, not ImageNet, so they get their own chart. Nothing is plotted when no such
# file exists: run notebooks 08–11 first.

# %% tags=["experiment"]
import json

from cs_utils.training import results_dir

found = []
for path in sorted(results_dir().glob("[01][0-9]_*.json")):
    try:
        content = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        print(f"skipping {path}: {error}")
        continue
    for entry in content if isinstance(content, list) else [content]:
        if not (isinstance(entry, dict) and "accuracy" in entry):
            continue
        if entry.get("model") in course or {"params", "flops"} <= entry.keys():
            found.append((path, entry))
if not found:
    print(f"No results files from notebooks 08-11 in {results_dir()} (NN_*.json); nothing to overlay.")
else:
    sizes = [(course.get(entry["model"]) or entry)["params"] for _, entry in found]
    area_per_param = 800.0 / max(sizes)  # points^2: the largest model gets the largest bubble in either mode
    fig, ax = plt.subplots(figsize=(8.5, 4))
    for path, entry in found:
        r = course.get(entry["model"]) or {"flops": entry["flops"], "params": entry["params"]}
        accuracy = float(entry["accuracy"]) * (100 if float(entry["accuracy"]) <= 1 else 1)
        ax.scatter(r["flops"] / 1e9, accuracy, s=area_per_param * r["params"], alpha=0.5, edgecolors="k")
        label = entry["model"] if "quick" in entry["model"] else f"{entry['model']} ({entry.get('mode', '?')} mode)"
        radius = np.sqrt(area_per_param * r["params"] / np.pi)  # points: the label starts beside the bubble
        ax.annotate(label, (r["flops"] / 1e9, accuracy), textcoords="offset points", xytext=(radius + 3, 0),
                    va="center", fontsize=8)
        print(f"{path.name}: {entry['model']} {accuracy:.1f}% on {entry.get('dataset', 'unknown data')} "
              f"({entry.get('mode', '?')} mode, {entry.get('epochs', '?')} epochs, {entry.get('precision', '?')})")
    top = 10 ** int(np.floor(np.log10(max(sizes))))  # round reference sizes for the legend
    for m in (top / 10, top):
        ax.scatter([], [], s=area_per_param * m, c="lightgray", edgecolors="k",
                   label=f"{m / 1e6:g}M parameters" if m >= 1e6 else f"{m / 1e3:g}K parameters")
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), labelspacing=1.5, borderpad=1.0, fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("GFLOPs per 32x32 image")
    ax.set_ylabel("accuracy [%]")
    ax.set_title("Course models: accuracy vs operations; bubble area = parameters")
    ax.margins(x=0.4, y=0.15)
    fig.tight_layout()
    plt.show()

# %% [markdown]
# *Figure 4. The course's trained models from notebooks 08–11 (when their results files exist):
# accuracy against operations per 32×32 image, bubble area proportional to parameters. The bubble
# scale is set so that the largest model here gets the largest bubble, so it differs from Figure
# 2's: compare sizes with the legend, not across figures. Read the points with care, as they are
# not a controlled comparison: each notebook trains its own model for its own number of epochs, on
# its own share of the data, and in quick mode the models are narrowed versions of those in
# section 6, trained on a few thousand digits and not all scored on the same ones (notebooks 08 and
# 09 have no separate test digits and report their validation digits again). The printed lines
# above say which data, mode and number of epochs each accuracy comes from.*

# %% [markdown]
# ## 12. Design challenge: the best network under a time budget
#
# Now design a network yourself, with everything this week taught you about parameters,
# operations and time. The rules:
#
# * **Data.** Quick mode: the MNIST subset, 3,500 digits for training and 500 for validation
#   (`cs_utils.challenge.challenge_loaders`); the other 1,000 digits are the **test split**, used
#   only by the grader. Full mode: CIFAR-10's 45,000 / 5,000 split for training and validation,
#   and its 10,000 test images for the grade. Do not train on the test split. (Changing `SEED`
#   redraws which digits train and which validate; the 1,000 test digits stay the same.)
# * **Budget.** Your training function gets `time_budget_s` seconds of wall-clock time: 60 s in
#   quick mode (on a CPU), 10 minutes in full mode (on a GPU). It must stop by then
#   (`cs_utils.training.fit(..., time_budget_s=...)` does; 10% slack is allowed for the last
#   batch).
# * **Points**, from the test accuracy of the saved model, one per tier reached (3 in all):
#
# | mode | tier 1 | tier 2 | tier 3 |
# |---|---|---|---|
# | quick (MNIST subset, CPU, 60 s) | ≥ 93% | ≥ 95% | ≥ 96% |
# | full (CIFAR-10, GPU, 10 min) | ≥ 80% | ≥ 88% | ≥ 92% |
#
# **How it is graded.** The training cell below trains `build_challenge_model()` with your
# `train_challenge` and saves a checkpoint, `challenge_checkpoint.pt`, next to this notebook with
# `cs_utils.challenge.save_challenge`: the weights (`state_dict`), the **source code** of
# `build_challenge_model` (`inspect.getsource`), the mode and the measured training time. **Hand
# the checkpoint in with the notebook**: `python -m cs_utils.handin` (`make submit`) packs the
# files saved beside it. The grader never runs the training cell, so your grade does not depend on
# how busy the grading machine is: each test cell loads the checkpoint you handed in, rebuilds the
# model from the saved source alone (with `torch`, `nn` and `F` available), loads the weights and
# measures the accuracy on the test split, in a second or two. So `build_challenge_model` must
# define everything it needs **inside** the function (a helper class or function defined
# elsewhere in the notebook is not saved). A missing or unreadable checkpoint, weights that do not
# fit the saved source, a checkpoint from another version of `build_challenge_model` than the one
# in this notebook, or a training time over the budget score 0 for the challenge, with a message
# saying which. A checkpoint trained in full mode is graded on CIFAR-10's test set, which the
# grading machine must have on disk (the grader never downloads).
#
# Ideas that pay off on a CPU budget: strided convolutions or early pooling, so that the big
# layers work on small maps (operations fall with the square of the side); BatchNorm, which
# allows a high learning rate; few epochs with a learning rate that decays to zero. With only
# 3,500 training digits, the model soon knows them by heart: showing them shifted by a pixel or
# two (data augmentation, which a module can do in training mode only) teaches it more.

# %% solution="challenge_design"
def build_challenge_model():
    """A new, untrained model for x (N, 3, 32, 32) -> class scores (N, 10), self-contained."""
    ### BEGIN SOLUTION
    import torch
    import torch.nn as nn

    class RandomShift(nn.Module):
        """In training only, shift the whole batch by up to `pixels` each way: more digits to learn from."""

        def __init__(self, pixels):
            super().__init__()
            self.pixels = pixels

        def forward(self, x):
            if not self.training:
                return x
            p = self.pixels
            i, j = (int(v) for v in torch.randint(0, 2 * p + 1, (2,)))
            return nn.functional.pad(x, (p, p, p, p))[:, :, i:i + x.shape[2], j:j + x.shape[3]]

    def block(c_in, c_out, kernel, stride):
        return [nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, bias=False),
                nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)]

    return nn.Sequential(RandomShift(2), *block(3, 24, 5, 2), *block(24, 48, 3, 2), *block(48, 96, 3, 2),
                         nn.Flatten(), nn.Dropout(0.3), nn.Linear(96 * 4 * 4, 10))  # 32 -> 16 -> 8 -> 4
    ### END SOLUTION


def train_challenge(model, train_loader, val_loader, device, time_budget_s):
    """Train model in place for at most time_budget_s seconds; return a history dict (as fit's)."""
    ### BEGIN SOLUTION
    from cs_utils import training

    epochs = 10 if is_quick() else 40
    optimizer = torch.optim.Adam(model.parameters(), lr=6e-3)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda epoch: 1 - epoch / epochs)
    return training.fit(model, train_loader, val_loader, epochs=epochs, optimizer=optimizer,
                        scheduler=scheduler, device=device, time_budget_s=time_budget_s, desc="challenge")
    ### END SOLUTION

# %% [markdown]
# The training cell: it trains a fresh model within the budget and saves the checkpoint. Run it
# again after every change to your design, and hand in what it saved. (Its tag, `handin`, tells
# the grader never to run it.)

# %% tags=["handin"]
from cs_utils.challenge import BUDGET_S, TIERS, challenge_loaders, save_challenge

mode = "quick" if is_quick() else "full"
reset_seed(SEED)
train_loader, val_loader, info = challenge_loaders(batch_size=128, seed=SEED)
print("data:", info["name"])
challenger = build_challenge_model()
start = time.perf_counter()
challenge_history = train_challenge(challenger, train_loader, val_loader, device, BUDGET_S[mode])
train_seconds = time.perf_counter() - start
path = save_challenge(challenger, build_challenge_model, train_challenge, train_seconds=train_seconds, mode=mode)
print(f"trained in {train_seconds:.1f} s of the {BUDGET_S[mode]:.0f} s budget; "
      f"{sum(p.numel() for p in challenger.parameters()):,} parameters; last validation accuracy "
      f"{challenge_history.get('val_acc', [float('nan')])[-1]:.3f}")
print(f"saved {path}; tiers for {mode} mode: {', '.join(f'{t:.1%}' for t in TIERS[mode])}")

# %% tests="test_challenge_tier1" points=1
# The challenge, tier 1: the checkpoint loads, fits the source of build_challenge_model, keeps the budget and
# reaches the first tier. Loads the checkpoint and evaluates it; it never trains.
import importlib

import cs_utils.challenge

challenge = importlib.reload(cs_utils.challenge)
accuracy, checkpoint = challenge.tier_verdict(build_challenge_model, tier=1)
print(f"tier 1 reached: test accuracy {accuracy:.2%} >= {challenge.TIERS[checkpoint['mode']][0]:.1%} "
      f"({checkpoint['mode']} mode, {checkpoint['train_seconds']:.1f} s of training)")
### BEGIN HIDDEN TESTS
import torch

import cs_utils.checks
import cs_utils.torchdata

checks = importlib.reload(cs_utils.checks)
torchdata = importlib.reload(cs_utils.torchdata)
challenge = importlib.reload(cs_utils.challenge)
# The same verdict without cs_utils.challenge's loader: the file read here, the model rebuilt here.
saved = torch.load(challenge.challenge_path(), map_location="cpu", weights_only=True)
namespace = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional}
exec(saved["build_source"], namespace)
model = namespace[saved["build_name"]]()
model.load_state_dict(saved["state_dict"], strict=True)
model.eval()
if saved["mode"] == "quick":
    loader, _ = torchdata.course_test_loader(quick=True, seed=0, **challenge.QUICK_SPLIT)
else:
    loader, _ = torchdata.course_test_loader(quick=False, seed=0, download=False)
correct = count = 0
with torch.no_grad():
    for x, y in loader:
        correct += int((model(x).argmax(dim=1) == y).sum())
        count += len(y)
assert count == (1000 if saved["mode"] == "quick" else 10000), f"the test split has {count} images"
assert correct / count >= challenge.TIERS[saved["mode"]][0], f"test accuracy {correct / count:.2%}"
assert saved["train_seconds"] <= challenge.BUDGET_SLACK * challenge.BUDGET_S[saved["mode"]], "over the budget"
### END HIDDEN TESTS

# %% tests="test_challenge_tier2" points=1
# The challenge, tier 2: the second tier. Loads the checkpoint and evaluates it; it never trains.
import importlib

import cs_utils.challenge

challenge = importlib.reload(cs_utils.challenge)
accuracy, checkpoint = challenge.tier_verdict(build_challenge_model, tier=2)
print(f"tier 2 reached: test accuracy {accuracy:.2%} >= {challenge.TIERS[checkpoint['mode']][1]:.1%} "
      f"({checkpoint['mode']} mode, {checkpoint['train_seconds']:.1f} s of training)")
### BEGIN HIDDEN TESTS
import torch

import cs_utils.checks
import cs_utils.torchdata

checks = importlib.reload(cs_utils.checks)
torchdata = importlib.reload(cs_utils.torchdata)
challenge = importlib.reload(cs_utils.challenge)
# The same verdict without cs_utils.challenge's loader: the file read here, the model rebuilt here.
saved = torch.load(challenge.challenge_path(), map_location="cpu", weights_only=True)
namespace = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional}
exec(saved["build_source"], namespace)
model = namespace[saved["build_name"]]()
model.load_state_dict(saved["state_dict"], strict=True)
model.eval()
if saved["mode"] == "quick":
    loader, _ = torchdata.course_test_loader(quick=True, seed=0, **challenge.QUICK_SPLIT)
else:
    loader, _ = torchdata.course_test_loader(quick=False, seed=0, download=False)
correct = count = 0
with torch.no_grad():
    for x, y in loader:
        correct += int((model(x).argmax(dim=1) == y).sum())
        count += len(y)
assert count == (1000 if saved["mode"] == "quick" else 10000), f"the test split has {count} images"
assert correct / count >= challenge.TIERS[saved["mode"]][1], f"test accuracy {correct / count:.2%}"
assert saved["train_seconds"] <= challenge.BUDGET_SLACK * challenge.BUDGET_S[saved["mode"]], "over the budget"
### END HIDDEN TESTS

# %% tests="test_challenge_tier3" points=1
# The challenge, tier 3: the third tier. Loads the checkpoint and evaluates it; it never trains.
import importlib

import cs_utils.challenge

challenge = importlib.reload(cs_utils.challenge)
accuracy, checkpoint = challenge.tier_verdict(build_challenge_model, tier=3)
print(f"tier 3 reached: test accuracy {accuracy:.2%} >= {challenge.TIERS[checkpoint['mode']][2]:.1%} "
      f"({checkpoint['mode']} mode, {checkpoint['train_seconds']:.1f} s of training)")
### BEGIN HIDDEN TESTS
import torch

import cs_utils.checks
import cs_utils.torchdata

checks = importlib.reload(cs_utils.checks)
torchdata = importlib.reload(cs_utils.torchdata)
challenge = importlib.reload(cs_utils.challenge)
# The same verdict without cs_utils.challenge's loader: the file read here, the model rebuilt here.
saved = torch.load(challenge.challenge_path(), map_location="cpu", weights_only=True)
namespace = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional}
exec(saved["build_source"], namespace)
model = namespace[saved["build_name"]]()
model.load_state_dict(saved["state_dict"], strict=True)
model.eval()
if saved["mode"] == "quick":
    loader, _ = torchdata.course_test_loader(quick=True, seed=0, **challenge.QUICK_SPLIT)
else:
    loader, _ = torchdata.course_test_loader(quick=False, seed=0, download=False)
correct = count = 0
with torch.no_grad():
    for x, y in loader:
        correct += int((model(x).argmax(dim=1) == y).sum())
        count += len(y)
assert count == (1000 if saved["mode"] == "quick" else 10000), f"the test split has {count} images"
assert correct / count >= challenge.TIERS[saved["mode"]][2], f"test accuracy {correct / count:.2%}"
assert saved["train_seconds"] <= challenge.BUDGET_SLACK * challenge.BUDGET_S[saved["mode"]], "over the budget"
### END HIDDEN TESTS

# %% [markdown]
# ## Summary
#
# * A convolution costs $N \cdot K \cdot H' \cdot W' \cdot F_h F_w C$ multiply-adds: one
#   $F_h F_w C$-term dot product per **output** value, over **all input channels**, with the
#   stride shrinking $H'$ and $W'$. PyTorch's counter reports **2 FLOPs per multiply-add** and
#   ignores the bias; torchvision's model table lists multiply-adds under the name "GFLOPS".
#   Always say which one you mean.
# * Parameters are what `model.parameters()` yields; BatchNorm's running statistics are buffers.
#   Forward hooks measure activation memory, and they must be removed afterwards.
# * The meta device makes counting free: shapes without data.
# * Time must be measured with warm-up, synchronisation and a median, and it does not follow
#   FLOPs exactly.
# * The lecture's conclusion holds in our numbers, read with care: VGG-16 has by far the most
#   parameters and operations (though ResNet-50's activations take more memory), GoogLeNet is the
#   leanest in parameters, and the ResNets reach the highest accuracy with "moderate efficiency
#   depending on model": per GFLOP, the cheaper AlexNet and GoogLeNet score higher than any ResNet.
# * Under a time budget, design is a trade: the operations you can afford per image times the
#   images you can show the network. A checkpoint (weights plus the source that builds the model)
#   is what makes a trained model reusable, and gradable, without training it again.
#
# This is the last notebook of the week. To go further, run `benchmarks/gpu_check.py` on a GPU,
# and add the accuracies of your trained models from notebooks 08–11 to the chart above.
