"""forward feeds the auxiliary heads detached features (self.aux1(h1.detach())): the heads still train, but
their loss sends no gradient into the stem and the stages, which is what they are for."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"mini_googlenet": [("return (logits, self.aux1(h1), self.aux2(h2))",
                               "return (logits, self.aux1(h1.detach()), self.aux2(h2.detach()))")]}
