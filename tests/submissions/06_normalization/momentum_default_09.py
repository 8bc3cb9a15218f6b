"""PyTorch's update formula, but the default momentum is CS231n's 0.9 (signature momentum=0.9)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 25.5 / 27   # loses test_batch_norm_running
REPLACE = {"batch_norm": [("momentum=0.1, eps=1e-5)", "momentum=0.9, eps=1e-5)")]}
