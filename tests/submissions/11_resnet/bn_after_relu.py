"""BasicBlock applies the first BatchNorm after the ReLU (conv1 -> ReLU -> bn1), a common ordering
confusion."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"basic_block": [("out = torch.relu(self.bn1(self.conv1(x)))",
                            "out = self.bn1(torch.relu(self.conv1(x)))")]}
