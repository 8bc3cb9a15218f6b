"""Spatial BN via x.reshape(-1, C) without moving the channel axis last: the wrong values per channel."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 22.5 / 27   # loses at least 5 of the 27 points
REPLACE = {
    "batch_norm": [
        ("np.moveaxis(x, 1, -1).reshape(-1, C)", "x.reshape(-1, C)"),
        ("np.moveaxis(y.reshape(np.moveaxis(x, 1, -1).shape), -1, 1)", "y.reshape(x.shape)"),
    ],
    "batch_norm_backward": [
        ("lambda a: np.moveaxis(a, 1, -1).reshape(-1, C)", "lambda a: a.reshape(-1, C)"),
        ("np.moveaxis(dxc.reshape(np.moveaxis(x, 1, -1).shape), -1, 1)", "dxc.reshape(x.shape)"),
    ],
}
