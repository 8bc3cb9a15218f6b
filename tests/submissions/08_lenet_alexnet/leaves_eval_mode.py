"""An evaluation that switches to eval mode and never switches back: training after it runs without
dropout."""

BASED_ON = "written_differently"
EXPECT = "partial"
REPLACE = {"evaluate_model": [("        model.train(previous)\n", "        pass\n")]}
