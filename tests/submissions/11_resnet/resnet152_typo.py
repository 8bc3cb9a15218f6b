"""A typo in ResNet-152's blocks per stage, (3, 4, 36, 3) instead of the table's (3, 8, 36, 3)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"resnet": [("152: (3, 8, 36, 3)", "152: (3, 4, 36, 3)")]}
