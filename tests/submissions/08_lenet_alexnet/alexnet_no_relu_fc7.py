"""AlexNet forgets the ReLU after FC7: FC7's output goes straight to FC8."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"alexnet": [("x = F.relu(self.fc7(F.dropout(x, self.p, self.training)))",
                        "x = self.fc7(F.dropout(x, self.p, self.training))")]}
