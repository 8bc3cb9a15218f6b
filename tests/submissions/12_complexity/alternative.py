"""Correct, written differently: explicit tuple handling, math.floor, a global hook, nbytes; a different
challenge design (one input channel, a class inside the builder, its own loop with a per-step schedule
and shifted digits), handed in with its own checkpoint (alternative.handin/)."""

EXPECT = "full"
ANSWERS = {
    "conv2d_flops": '''
import math

def conv2d_flops(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0, batch_size=1):
    def two(v):
        return tuple(v) if isinstance(v, (tuple, list)) else (v, v)
    sizes = [math.floor((n + 2 * p - k) / s) + 1
             for n, k, s, p in zip(two(input_size), two(kernel_size), two(stride), two(padding))]
    macs = batch_size * out_channels * sizes[0] * sizes[1] * in_channels * math.prod(two(kernel_size))
    return int(macs * 2)
''',
    "count_parameters": '''
import torch

def count_parameters(model, trainable_only=False):
    seen = {}
    for name, p in model.named_parameters():
        if trainable_only and not p.requires_grad:
            continue
        seen[id(p)] = p.numel()
    return int(sum(seen.values()))
''',
    "activation_bytes": '''
import torch
from torch.nn.modules.module import register_module_forward_hook

def activation_bytes(model, x, layer_types=None):
    if layer_types is None:
        wanted = {id(m) for m in model.modules() if not list(m.children())}
    else:
        wanted = {id(m) for m in model.modules() if isinstance(m, tuple(layer_types))}
    total = [0]
    def hook(module, inputs, output):
        if id(module) in wanted and isinstance(output, torch.Tensor):
            total[0] += output.nbytes
    handle = register_module_forward_hook(hook)
    try:
        with torch.inference_mode():
            model(x)
    finally:
        handle.remove()
    return total[0]
''',
    "challenge_design": '''
def build_challenge_model():
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

    return GrayNet()


def train_challenge(model, train_loader, val_loader, device, time_budget_s):
    import time

    import torch
    import torch.nn.functional as F

    model.to(device)
    epochs = 8
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
            shift = torch.randint(-2, 3, (2,)).tolist()  # move the digits a little: augmentation
            loss = F.cross_entropy(model(torch.roll(x, shifts=shift, dims=(2, 3))), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        history["train_loss"].append(loss.item())
    return history
''',
}
