"""A training loop that counts its hits against the labels before it moves them for the loss
(`out.argmax(1) == y`, then `y = y.to(device)`): right on a CPU, a device mismatch on a GPU. The
first device check only looked at uses after a move, so this loop passed it."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.95
ANSWERS = {
    "train_one_epoch": '''
def train_one_epoch(model, loader, optimizer, loss_fn, device):
    model.train()
    total_loss, hits, count = 0.0, 0, 0
    for x, y in loader:
        out = model(x.to(device))
        hits += (out.argmax(1) == y).sum().item()
        y = y.to(device)
        loss = loss_fn(out, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(y)
        count += len(y)
    return total_loss / count, hits / count
''',
}
