"""conv2d_fast computes the output size as (H + 2P - HH + 1) // S: right at stride 1, \
one short at stride 2."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {
    "conv2d_fast": [
        ("(H + 2 * padding - HH) // stride + 1", "(H + 2 * padding - HH + 1) // stride"),
        ("(W + 2 * padding - WW) // stride + 1", "(W + 2 * padding - WW + 1) // stride"),
    ],
}
