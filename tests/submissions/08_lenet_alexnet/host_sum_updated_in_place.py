"""The loss sum kept as a 0-d tensor made on the CPU and updated in place with each batch's loss from
the device (loss_sum += batch_loss * n). torch lets a CPU 0-d tensor join a GPU operation as an
input, not as the tensor written, so on a GPU this raises "Expected all tensors to be on the same
device". Until the device check was a simulated GPU, the course's own written_differently case had
this loop and earned full marks."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.95
REPLACE = {"train_one_epoch": [
    ("loss_sum = torch.zeros((), dtype=torch.float64, device=device)",
     "loss_sum = torch.zeros((), dtype=torch.float64)"),
]}
