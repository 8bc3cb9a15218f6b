"""Both loops divide by len(loader.dataset), as PyTorch's tutorial does, instead of counting the samples
they see. The exercise takes any iterable of batches (the notebook itself passes
itertools.islice(train_loader, 16), whose mean over the whole dataset would be wrong), and the
tests pass lists: the student sees "count the samples as you go"."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.85  # Exercise 4's three points
ANSWERS = {
    "train_one_epoch": '''
def train_one_epoch(model, loader, optimizer, loss_fn, device):
    model.train()
    total_loss, hits = 0.0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        out = model(x)
        loss = loss_fn(out, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(y)
        hits += (out.argmax(1) == y).sum().item()
    return total_loss / len(loader.dataset), hits / len(loader.dataset)
''',
}
