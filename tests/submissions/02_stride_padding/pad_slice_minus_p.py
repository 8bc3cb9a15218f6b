"""Pads by writing x into a zero array with xp[:, :, p:-p, p:-p] = x, an empty slice when padding is 0
(a ValueError from NumPy whenever the padding is 0)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 12 / 18   # loses the stride, vs-torch and leftover tests
REPLACE = {"conv2d": [("xp = np.pad(x, [(0, 0), (0, 0), (p, p), (p, p)])",
                       "N, C, H, W = x.shape\n"
                       "    xp = np.zeros((N, C, H + 2 * p, W + 2 * p), dtype=x.dtype)\n"
                       "    xp[:, :, p:-p, p:-p] = x")]}
