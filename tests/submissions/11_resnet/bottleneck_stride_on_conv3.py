"""Puts the bottleneck's stride on the last 1x1 convolution (conv3) instead of the 3x3 conv2: same shapes
and parameters, and in eval mode the same values (BN and ReLU act pointwise), but train-mode BatchNorm sees
other statistics and the 3x3 convolution does four times the work."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.85
REPLACE = {"bottleneck": [("kernels, strides = [1, 3, 1], [1, stride, 1]",
                           "kernels, strides = [1, 3, 1], [1, 1, stride]")]}
