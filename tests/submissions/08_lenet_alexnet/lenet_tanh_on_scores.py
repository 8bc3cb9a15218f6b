"""LeNet5 applies tanh after every layer, the output layer too: the class scores are squashed into (-1, 1)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"lenet5": [("return self.out(torch.tanh(self.f6(x)))",
                      "return torch.tanh(self.out(torch.tanh(self.f6(x))))")]}
