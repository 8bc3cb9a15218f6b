"""An evaluation that never calls model.eval(): dropout stays on and BatchNorm uses (and updates)
batch statistics."""

BASED_ON = "written_differently"
EXPECT = "partial"
REPLACE = {"evaluate_model": [("    model.train(False)\n", "")]}
