"""A training epoch without optimizer.zero_grad(): every step uses the gradients of all batches so far."""

BASED_ON = "written_differently"
EXPECT = "partial"
REPLACE = {"train_one_epoch": [("        optimizer.zero_grad(set_to_none=True)\n", "")]}
