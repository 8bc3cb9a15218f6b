"""Correct, written differently: the labels follow the scores (`y.to(out.device)`) in training, and the
evaluation brings the predictions to the labels (`preds.to(y.device) == y`) and reads NumPy arrays
only after `.cpu()`. The first device check failed the evaluation, which is right on a GPU."""

BASED_ON = "written_differently"
EXPECT = "full"
ANSWERS = {
    "train_one_epoch": '''
def train_one_epoch(model, loader, optimizer, loss_fn, device):
    model.train()
    total_loss, hits, count = 0.0, 0, 0
    for x, y in loader:
        out = model(x.to(device))
        y = y.to(out.device)
        loss = loss_fn(out, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * y.shape[0]
        hits += int((out.argmax(dim=1) == y).sum())
        count += y.shape[0]
    return total_loss / count, hits / count
''',
    "evaluate_model": '''
import numpy as np
import torch

def evaluate_model(model, loader, loss_fn, device):
    was_training = model.training
    model.eval()
    total_loss, hits, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            out = model(x.to(device))
            total_loss += loss_fn(out, y.to(device)).item() * len(y)
            preds = out.argmax(1)
            hits += int((preds.to(y.device) == y).sum())
            assert np.array_equal(preds.cpu().numpy() == y.numpy(), (preds.to(y.device) == y).numpy())
            count += len(y)
    model.train(was_training)
    return total_loss / count, hits / count
''',
}
