"""MiniGoogLeNet's forward pass never applies self.dropout on the main path: gap -> flatten -> fc.
Eval mode cannot tell, and the training tests switch dropout off, except the one that checks it."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"mini_googlenet": [("self.fc(self.dropout(self.gap(self.stage3(h2)).flatten(start_dim=1)))",
                               "self.fc(self.gap(self.stage3(h2)).flatten(start_dim=1))")]}
