"""Correct, but written unlike the reference: C5 as a 5x5 conv, functional forward passes,
pooling before ReLU (the same thing for max pooling), lower-case names and list shapes; a training
epoch with zero_grad before the forward pass and sums kept as tensors on the device, an evaluation under
torch.inference_mode() that restores the mode in a finally block."""

EXPECT = "full"
ANSWERS = {
    "lenet5": '''
import torch
import torch.nn as nn
import torch.nn.functional as F

class LeNet5(nn.Module):
    def __init__(self, in_channels=1, num_classes=10):
        super().__init__()
        self.c1 = nn.Conv2d(in_channels, 6, 5)
        self.c3 = nn.Conv2d(6, 16, 5)
        self.c5 = nn.Conv2d(16, 120, 5)  # on a 5x5 map this is Linear(400, 120)
        self.f6 = nn.Linear(120, 84)
        self.out = nn.Linear(84, num_classes)

    def forward(self, x):
        x = F.avg_pool2d(torch.tanh(self.c1(x)), 2)
        x = F.avg_pool2d(torch.tanh(self.c3(x)), 2)
        x = torch.tanh(self.c5(x)).flatten(1)
        return self.out(torch.tanh(self.f6(x)))
''',
    "alexnet_shapes": '''
import math
import numpy as np

def alexnet_shapes(input_size=227, num_classes=1000):
    def out(n, f, s=1, p=0):
        return math.floor((n + 2 * p - f) / s) + 1

    c1 = out(input_size, 11, 4)
    p1 = out(c1, 3, 2)
    c2 = out(p1, 5, 1, 2)
    p2 = out(c2, 3, 2)
    p3 = out(p2, 3, 2)
    rows = [
        ["conv1", [96, c1, c1], 11 * 11 * 3 * 96 + 96],
        ["pool1", [96, p1, p1], 0],
        ["norm1", [96, p1, p1], 0],
        ["conv2", [256, c2, c2], 5 * 5 * 96 * 256 + 256],
        ["pool2", [256, p2, p2], 0],
        ["norm2", [256, p2, p2], 0],
        ["conv3", [384, p2, p2], 3 * 3 * 256 * 384 + 384],
        ["conv4", [384, p2, p2], 3 * 3 * 384 * 384 + 384],
        ["conv5", [256, p2, p2], 3 * 3 * 384 * 256 + 256],
        ["pool3", [256, p3, p3], 0],
        ["fc6", [4096], 256 * p3 * p3 * 4096 + 4096],
        ["fc7", [4096], 4096 * 4096 + 4096],
        ["fc8", [num_classes], 4096 * num_classes + num_classes],
    ]
    return [(name, shape, np.int64(params)) for name, shape, params in rows]
''',
    "alexnet": '''
import torch
import torch.nn as nn
import torch.nn.functional as F

class AlexNet(nn.Module):
    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.p = dropout
        self.convs = nn.ModuleList([
            nn.Conv2d(3, 96, 11, 4), nn.Conv2d(96, 256, 5, 1, 2), nn.Conv2d(256, 384, 3, 1, 1),
            nn.Conv2d(384, 384, 3, 1, 1), nn.Conv2d(384, 256, 3, 1, 1)])
        self.fc6 = nn.Linear(9216, 4096)
        self.fc7 = nn.Linear(4096, 4096)
        self.fc8 = nn.Linear(4096, num_classes)

    def forward(self, x):
        def norm(h):
            return F.local_response_norm(h, 5, alpha=5e-4, beta=0.75, k=2.0)
        x = norm(F.relu(F.max_pool2d(self.convs[0](x), 3, 2)))
        x = norm(F.relu(F.max_pool2d(self.convs[1](x), 3, 2)))
        for conv in self.convs[2:]:
            x = F.relu(conv(x))
        x = torch.flatten(F.max_pool2d(x, 3, 2), 1)
        x = F.relu(self.fc6(F.dropout(x, self.p, self.training)))
        x = F.relu(self.fc7(F.dropout(x, self.p, self.training)))
        return self.fc8(x)
''',
    "train_one_epoch": '''
import torch

def train_one_epoch(model, loader, optimizer, loss_fn, device):
    model.train(True)
    loss_sum = torch.zeros((), dtype=torch.float64, device=device)
    hits, seen = 0, 0
    for step, (inputs, targets) in enumerate(loader):
        inputs = inputs.to(device)
        targets = targets.to(device)
        optimizer.zero_grad(set_to_none=True)
        scores = model(inputs)
        batch_loss = loss_fn(scores, targets)
        batch_loss.backward()
        optimizer.step()
        loss_sum += batch_loss.detach().double() * targets.numel()
        hits += int(torch.sum(scores.detach().max(dim=1).indices == targets))
        seen += targets.numel()
    return float(loss_sum) / seen, hits / seen
''',
    "evaluate_model": '''
import torch

def evaluate_model(model, loader, loss_fn, device):
    previous = model.training
    model.train(False)
    losses, sizes, hits = [], [], 0
    try:
        with torch.inference_mode():
            for inputs, targets in loader:
                inputs, targets = inputs.to(device), targets.to(device)
                scores = model(inputs)
                losses.append(float(loss_fn(scores, targets)))
                sizes.append(len(targets))
                hits += (scores.argmax(1) == targets).sum().item()
    finally:
        model.train(previous)
    total = sum(sizes)
    return sum(l * n for l, n in zip(losses, sizes)) / total, hits / total
''',
}
