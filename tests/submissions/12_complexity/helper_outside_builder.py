"""A broken checkpoint: the model class is defined beside build_challenge_model, not inside it, so
the saved source cannot rebuild the model (save_challenge says so; the challenge scores 0)."""

BASED_ON = "alternative"
EXPECT = "partial"
MAX_FRACTION = 0.84
ANSWERS = {"challenge_design": '''
import torch
import torch.nn as nn


class GrayNet(nn.Module):
    """The three input channels are copies of one gray digit: read one, then three strided convs."""

    def __init__(self):
        super().__init__()
        layers, channels = [], 1
        for width, kernel in [(16, 5), (32, 3), (64, 3)]:  # 32 -> 16 -> 8 -> 4
            layers += [nn.Conv2d(channels, width, kernel, stride=2, padding=kernel // 2),
                       nn.BatchNorm2d(width), nn.ReLU()]
            channels = width
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Dropout(0.25), nn.Linear(64 * 4 * 4, 10))

    def forward(self, x):
        return self.head(torch.flatten(self.features(x[:, :1]), 1))


def build_challenge_model():
    return GrayNet()


def train_challenge(model, train_loader, val_loader, device, time_budget_s):
    import time

    import torch
    import torch.nn.functional as F

    model.to(device)
    epochs = 6
    steps = epochs * len(train_loader)
    optimizer = torch.optim.Adam(model.parameters(), lr=6e-3)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1 - step / steps)
    start = time.perf_counter()
    history = {"train_loss": []}
    for epoch in range(epochs):
        model.train()
        for x, y in train_loader:
            if time.perf_counter() - start > time_budget_s:
                return history
            x, y = x.to(device), y.to(device)
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        history["train_loss"].append(loss.item())
    return history
'''}


def HANDIN(folder):
    """What its training cell wrote before save_challenge refused it: GrayNet's trained weights, with
    the source of a builder that needs GrayNet from outside itself."""
    import torch

    path = folder / "challenge_checkpoint.pt"
    checkpoint = torch.load(path, weights_only=True)
    checkpoint["build_source"] = "def build_challenge_model():\n    return GrayNet()\n"
    torch.save(checkpoint, path)
