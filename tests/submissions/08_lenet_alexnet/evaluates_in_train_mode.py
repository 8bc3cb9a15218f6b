"""An evaluation that never calls model.eval(): dropout stays on and BatchNorm uses (and updates)
batch statistics."""

BASED_ON = "written_differently"
EXPECT = "partial"
REPLACE = {"evaluate": [("    model.train(False)\n", "")]}
