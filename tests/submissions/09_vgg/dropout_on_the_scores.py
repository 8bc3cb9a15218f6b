"""VGG with its dropout moved to the class scores (after the last Linear) instead of after the ReLUs
of the first two FC layers: training-mode outputs still vary from call to call."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.78
REPLACE = {"vgg": [
    ("x = self.drop(F.relu(self.fc1(x)))", "x = F.relu(self.fc1(x))"),
    ("x = self.drop(F.relu(self.fc2(x)))", "x = F.relu(self.fc2(x))"),
    ("return self.fc3(x)", "return self.drop(self.fc3(x))"),
]}
