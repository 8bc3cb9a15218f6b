"""The ConvNet passes the pooled maps (the pool's output) to max_pool2d_backward instead of its input,
the ReLU output: the wrong cached value."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 0.95
REPLACE = {
    "convnet_loss_and_grads": [("d_h.reshape(pooled.shape), relu,", "d_h.reshape(pooled.shape), pooled,")],
}
