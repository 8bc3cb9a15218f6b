"""VGG accepts a dropout argument but never applies it."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.85
REPLACE = {"vgg": [("self.drop(F.relu(", "(F.relu(")]}
