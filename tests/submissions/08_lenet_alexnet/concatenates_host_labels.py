"""An evaluation that collects the predictions (on the device) and the labels as they came (on the
host) and compares the two concatenations at the end: right on a CPU, a device mismatch on a GPU."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.95
ANSWERS = {
    "evaluate_model": '''
import torch

def evaluate_model(model, loader, loss_fn, device):
    was_training = model.training
    model.eval()
    total_loss, count, predictions, labels = 0.0, 0, [], []
    with torch.no_grad():
        for x, y in loader:
            out = model(x.to(device))
            total_loss += loss_fn(out, y.to(device)).item() * len(y)
            predictions.append(out.argmax(1))
            labels.append(y)
            count += len(y)
    model.train(was_training)
    hits = (torch.cat(predictions) == torch.cat(labels)).sum().item()
    return total_loss / count, hits / count
''',
}
