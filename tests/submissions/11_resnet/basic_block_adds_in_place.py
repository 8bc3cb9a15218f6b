"""BasicBlock adds the residual branch onto the shortcut in place (`identity += out`, torchvision's
`out += identity` the other way round). With the identity shortcut that writes into the caller's x, and
in training autograd refuses the graph."""

BASED_ON = "written_differently"
REPLACE = {"basic_block": [("        out += identity\n        return torch.relu(out)",
                            "        identity += out\n        return torch.relu(identity)")]}
EXPECT = "partial"
MAX_FRACTION = 0.9
