"""Puts the bottleneck's stride on the first 1x1 convolution, as the 2015 paper did, instead of on the
3x3 one as the exercise (and torchvision's "ResNet v1.5") asks: same shapes and parameters, another
function."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.85
REPLACE = {"bottleneck": [("kernels, strides = [1, 3, 1], [1, stride, 1]",
                           "kernels, strides = [1, 3, 1], [stride, 1, 1]")]}
