"""The ConvNet's backward pass forgets the ReLU: the pool's gradient goes straight into the conv
backward, without the mask conv > 0."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 0.95
REPLACE = {
    "convnet_loss_and_grads": [("d_conv = np.where(conv > 0, d_relu, 0.0)", "d_conv = d_relu")],
}
