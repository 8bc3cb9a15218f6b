"""Staged backward: the 1/m of the mean and variance steps uses m = x.shape[0] (N), not N*H*W, for spatial
BN."""

BASED_ON = "written_differently"
EXPECT = "partial"
REPLACE = {"batch_norm_backward": [("m = xc.shape[0]\n", "m = x.shape[0]\n")]}
