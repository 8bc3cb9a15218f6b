"""Correct, written differently: the ConvNet calls the conv layer without its bias, adds b1 to the
output by broadcasting, and sums the conv gradient for db1 itself (it lost all the ConvNet points
before the stand-ins accepted a conv call without bias)."""

BASED_ON = "einsum_offsets"
EXPECT = "full"
REPLACE = {
    "convnet_loss_and_grads": [
        ("conv = conv2d(x, w1, b=b1, stride=1, padding=1)",
         "conv = conv2d(x, w1, stride=1, padding=1) + b1[None, :, None, None]"),
        ("_, d_w1, d_b1 = conv2d_backward(d_conv, x, w1, stride=1, padding=1)",
         "_, d_w1, _ = conv2d_backward(d_conv, x, w1, stride=1, padding=1)\n"
         "    d_b1 = d_conv.sum(axis=(0, 2, 3))"),
    ],
}
