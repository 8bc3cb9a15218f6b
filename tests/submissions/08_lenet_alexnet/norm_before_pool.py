"""AlexNet in the 2012 paper's order, conv -> ReLU -> LRN -> pool, where the lecture's table and the
exercise pool first, then normalize."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"alexnet": [("x = norm(F.relu(F.max_pool2d(self.convs[0](x), 3, 2)))",
                        "x = F.max_pool2d(norm(F.relu(self.convs[0](x))), 3, 2)"),
                       ("x = norm(F.relu(F.max_pool2d(self.convs[1](x), 3, 2)))",
                        "x = F.max_pool2d(norm(F.relu(self.convs[1](x))), 3, 2)")]}
