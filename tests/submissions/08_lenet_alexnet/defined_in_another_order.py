"""Correct, but in another order than the reference: AlexNet creates its classifier before its
features and drops FC6's output before its ReLU (the same as after it); the epoch moves each batch
in a list comprehension with non_blocking=True, the evaluation moves the inputs inside the model call
and the labels just before the loss."""

BASED_ON = "written_differently"
EXPECT = "full"
ANSWERS = {
    "alexnet": '''
import torch.nn as nn

class AlexNet(nn.Module):
    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Dropout(dropout), nn.Linear(256 * 6 * 6, 4096),
            nn.Dropout(dropout), nn.ReLU(inplace=True),
            nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Linear(4096, num_classes))
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0),
            nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0),
            nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2))

    def forward(self, x):
        return self.classifier(self.features(x))
''',
    "train_one_epoch": '''
def train_one_epoch(model, loader, optimizer, loss_fn, device):
    model.train()
    total, correct, count = 0.0, 0, 0
    for batch in loader:
        inputs, labels = [t.to(device, non_blocking=True) for t in batch]
        logits = model(inputs)
        loss = loss_fn(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(labels)
        correct += (logits.argmax(1) == labels).sum().item()
        count += len(labels)
    return total / count, correct / count
''',
    "evaluate_model": '''
import torch

def evaluate_model(model, loader, loss_fn, device):
    was_training = model.training
    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            logits = model(inputs.to(device, non_blocking=True))
            labels = labels.to(device)
            total += loss_fn(logits, labels).item() * len(labels)
            correct += (logits.argmax(1) == labels).sum().item()
            count += len(labels)
    model.train(was_training)
    return total / count, correct / count
''',
}
