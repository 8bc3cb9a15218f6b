"""evaluate_model takes the arg-max over dimension 0 (the samples of the batch) instead of the classes."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"evaluate_model": [("scores.argmax(1)", "scores.argmax(0)")]}
