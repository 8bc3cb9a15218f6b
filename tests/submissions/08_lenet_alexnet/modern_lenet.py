"""LeNet5 with ReLU and max pooling (the modern habit) instead of tanh and average pooling."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"lenet5": [("torch.tanh", "F.relu"), ("F.avg_pool2d", "F.max_pool2d")]}
