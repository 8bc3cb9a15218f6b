"""Treats stride=None as stride 1 (sliding windows) instead of PyTorch's stride = kernel_size."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = (0.6 * 12 + 3) / 15  # as before the 3 question points, which it answers
REPLACE = {name: [("stride or kernel_size", "stride or 1")]
           for name in ["max_pool2d", "avg_pool2d", "max_pool2d_backward", "avg_pool2d_backward"]}
