"""optimizer.zero_grad() between loss.backward() and optimizer.step(): every step finds the gradients
cleared and nothing trains."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"train_one_epoch": [("        optimizer.zero_grad(set_to_none=True)\n", ""),
                               ("        batch_loss.backward()\n",
                                "        batch_loss.backward()\n        optimizer.zero_grad()\n")]}
