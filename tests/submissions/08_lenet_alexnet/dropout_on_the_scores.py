"""AlexNet with its dropout moved to the class scores (after FC8) instead of before FC6 and FC7:
training-mode outputs still vary from call to call."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"alexnet": [
    ("x = F.relu(self.fc6(F.dropout(x, self.p, self.training)))", "x = F.relu(self.fc6(x))"),
    ("x = F.relu(self.fc7(F.dropout(x, self.p, self.training)))", "x = F.relu(self.fc7(x))"),
    ("return self.fc8(x)", "return F.dropout(self.fc8(x), self.p, self.training)"),
]}
