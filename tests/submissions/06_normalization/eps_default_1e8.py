"""batch_norm's default eps is 1e-8 (as in Adam / many student codes) instead of torch's 1e-5."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 20.5 / 27   # loses the train, eval and spatial tests
REPLACE = {"batch_norm": [("momentum=0.1, eps=1e-5)", "momentum=0.1, eps=1e-8)")]}
