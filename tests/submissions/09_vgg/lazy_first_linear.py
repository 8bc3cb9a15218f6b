"""Correct: the first FC layer is an nn.LazyLinear(hidden), which infers C_last * s * s at the first forward
pass (the structure test allows lazy modules)."""

BASED_ON = "written_differently"
EXPECT = "full"
REPLACE = {"vgg": [("self.fc1 = nn.Linear(chans[-1] * side * side, hidden)",
                    "self.fc1 = nn.LazyLinear(hidden)")]}
