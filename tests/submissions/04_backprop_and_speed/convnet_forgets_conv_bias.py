"""The ConvNet's forward pass leaves out the conv bias (conv2d without b1, never added), so its
scores and loss are those of another network."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 0.95
REPLACE = {
    "convnet_loss_and_grads": [("conv = conv2d(x, w1, b=b1, stride=1, padding=1)",
                                "conv = conv2d(x, w1, stride=1, padding=1)")],
}
