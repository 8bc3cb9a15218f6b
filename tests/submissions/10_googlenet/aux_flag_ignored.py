"""forward checks only self.training: with aux_logits=False it still calls aux1 (None) in training mode."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.85
REPLACE = {"mini_googlenet": [("if not self.training or not self.aux_logits:", "if not self.training:")]}
