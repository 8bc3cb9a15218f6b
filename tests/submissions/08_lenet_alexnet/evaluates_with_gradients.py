"""An evaluation without torch.no_grad() (or inference_mode): correct numbers, but a graph is built
for nothing."""

BASED_ON = "written_differently"
EXPECT = "partial"
REPLACE = {"evaluate_model": [("        with torch.inference_mode():\n", "        if True:\n")]}
