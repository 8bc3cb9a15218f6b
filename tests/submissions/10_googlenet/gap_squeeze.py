"""forward flattens the pooled map with .squeeze(): right for a batch of several images, but a batch of one
loses its batch axis too (logits of shape (num_classes,))."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.8
REPLACE = {"mini_googlenet": [("self.gap(self.stage3(h2)).flatten(start_dim=1)",
                               "self.gap(self.stage3(h2)).squeeze()")]}
