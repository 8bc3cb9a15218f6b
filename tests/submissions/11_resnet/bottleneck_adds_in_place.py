"""Bottleneck adds the residual branch onto the shortcut in place: with the identity shortcut that
writes into the caller's x, and in training autograd refuses the graph."""

BASED_ON = "written_differently"
REPLACE = {"bottleneck": [("        return F.relu(out + self.shortcut(x))",
                           "        identity = self.shortcut(x)\n        identity += out\n"
                           "        return F.relu(identity)")]}
EXPECT = "partial"
MAX_FRACTION = 0.9
