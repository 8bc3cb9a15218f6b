"""forward forgets to flatten after global average pooling: fc gets the (N, C, 1, 1) map."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.8
REPLACE = {"mini_googlenet": [("self.gap(self.stage3(h2)).flatten(start_dim=1)",
                               "self.gap(self.stage3(h2))")]}
