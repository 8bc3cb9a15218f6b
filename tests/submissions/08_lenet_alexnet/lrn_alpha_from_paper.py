"""The paper's alpha = 1e-4 typed into PyTorch's LocalResponseNorm, which divides alpha by the window size."""

BASED_ON = "written_differently"
EXPECT = "partial"
REPLACE = {"alexnet": [("alpha=5e-4", "alpha=1e-4")]}
