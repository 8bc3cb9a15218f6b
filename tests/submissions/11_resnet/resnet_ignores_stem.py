"""resnet() never passes `stem` on, so stem="cifar" still builds the ImageNet stem (7x7 convolution with
stride 2 and a max-pool). Global average pooling hides it in the output shape."""

BASED_ON = "written_differently"
REPLACE = {"resnet": [("range(4)), stem)", "range(4)))")]}
EXPECT = "partial"
MAX_FRACTION = 0.95
