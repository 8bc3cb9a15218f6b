"""LeNet5 with sigmoid activations (a habit from d2l.ai) instead of the lecture's tanh."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"lenet5": [("torch.tanh(", "torch.sigmoid(")]}
