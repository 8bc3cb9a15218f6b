"""With aux_logits=False, MiniGoogLeNet still returns a triple in training mode, (logits, None, None),
where the text asks for the logits alone: a training loop that feeds the output to the loss breaks."""

BASED_ON = "written_differently"
REPLACE = {"mini_googlenet": [(
    "        if not self.training or not self.aux_logits:\n            return logits\n"
    "        return (logits, self.aux1(h1), self.aux2(h2))",
    "        if not self.training:\n            return logits\n"
    "        if not self.aux_logits:\n            return (logits, None, None)\n"
    "        return (logits, self.aux1(h1), self.aux2(h2))")]}
EXPECT = "partial"
MAX_FRACTION = 0.9
