"""LeNet5 with C5 as a 5x5 conv flattens its (N, 120, 1, 1) output with .squeeze(): right for batches of
several images, but a single image loses its batch axis (scores of shape (10,))."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"lenet5": [("x = torch.tanh(self.c5(x)).flatten(1)", "x = torch.tanh(self.c5(x)).squeeze()")]}
