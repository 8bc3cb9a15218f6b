"""BasicBlock applies a ReLU to the branch before adding the shortcut, and another after:
ReLU(ReLU(bn2(conv2(...))) + shortcut(x))."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"basic_block": [("out = self.bn2(self.conv2(out))",
                            "out = torch.relu(self.bn2(self.conv2(out)))")]}
