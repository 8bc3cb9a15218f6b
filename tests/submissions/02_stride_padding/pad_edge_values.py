"""Pads with copies of the border pixels (np.pad(..., mode="edge")) instead of zeros."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 12 / 18   # loses the padding, vs-torch and leftover tests
REPLACE = {"conv2d": [("np.pad(x, [(0, 0), (0, 0), (p, p), (p, p)])",
                       'np.pad(x, [(0, 0), (0, 0), (p, p), (p, p)], mode="edge")')]}
