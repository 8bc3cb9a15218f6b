"""resnet passes the stages' output channels (256, 512, 1024, 2048 for the bottleneck ResNets) as widths,
as the paper's table lists them, although the block multiplies its width by its expansion itself."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"resnet": [("tuple(width * 2 ** i for i in range(4))",
                       "tuple(width * block.expansion * 2 ** i for i in range(4))")]}
