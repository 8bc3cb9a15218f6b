"""The main path's dropout written as F.dropout(x, self.dropout.p) without training=self.training:
F.dropout defaults to training=True, so eval mode still drops."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.8
REPLACE = {"mini_googlenet": [
    ("self.fc(self.dropout(self.gap(self.stage3(h2)).flatten(start_dim=1)))",
     "self.fc(F.dropout(self.gap(self.stage3(h2)).flatten(start_dim=1), self.dropout.p))")]}
