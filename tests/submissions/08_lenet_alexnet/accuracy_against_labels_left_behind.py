"""An evaluation that moves the batch for the model and the loss but counts its hits against the labels
it left behind (`out.argmax(1) == y` with the unmoved y): right on a CPU, a device mismatch on a GPU."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.95
ANSWERS = {
    "evaluate_model": '''
import torch

def evaluate_model(model, loader, loss_fn, device):
    was_training = model.training
    model.eval()
    total_loss, hits, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            out = model(x.to(device))
            total_loss += loss_fn(out, y.to(device)).item() * len(y)
            hits += (out.argmax(1) == y).sum().item()
            count += len(y)
    model.train(was_training)
    return total_loss / count, hits / count
''',
}
