"""Correct: both loops move the batches with x.to(device, non_blocking=device.type == "cuda"), a common
pattern that reads device.type, so device must be a torch.device as the notebook passes it
(training_device()) and every test does."""

BASED_ON = "written_differently"
EXPECT = "full"
ANSWERS = {
    "train_one_epoch": '''
def train_one_epoch(model, loader, optimizer, loss_fn, device):
    model.train()
    non_blocking = device.type == "cuda"
    total, correct, count = 0.0, 0, 0
    for x, y in loader:
        x = x.to(device, non_blocking=non_blocking)
        y = y.to(device, non_blocking=non_blocking)
        logits = model(x)
        loss = loss_fn(logits, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        correct += (logits.argmax(1) == y).sum().item()
        count += len(y)
    return total / count, correct / count
''',
    "evaluate_model": '''
import torch

def evaluate_model(model, loader, loss_fn, device):
    was_training = model.training
    model.eval()
    non_blocking = device.type == "cuda"
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            x = x.to(device, non_blocking=non_blocking)
            y = y.to(device, non_blocking=non_blocking)
            logits = model(x)
            total += loss_fn(logits, y).item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
            count += len(y)
    model.train(was_training)
    return total / count, correct / count
''',
}
