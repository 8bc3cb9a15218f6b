"""Correct, but written unlike the reference: a custom block module with a ModuleList and a
functional forward, and a VGG whose classifier is three named Linear layers sharing one Dropout."""

EXPECT = "full"
ANSWERS = {
    "vgg_block": '''
import torch
import torch.nn as nn
import torch.nn.functional as F

class _Block(nn.Module):
    def __init__(self, cin, cout, n):
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(cin if i == 0 else cout, cout, (3, 3), padding=(1, '''
        '''1)) for i in range(n))

    def forward(self, x):
        for conv in self.convs:
            x = F.relu(conv(x))
        return F.max_pool2d(x, 2)

def vgg_block(in_channels, out_channels, num_convs):
    return _Block(in_channels, out_channels, num_convs)
''',
    "vgg": '''
import torch
import torch.nn as nn
import torch.nn.functional as F

class VGG(nn.Module):
    def __init__(self, config, num_classes=1000, in_channels=3, image_size=224, hidden=4096, dropout=0.5):
        super().__init__()
        chans = [in_channels] + [c for _, c in config]
        self.features = nn.Sequential(*(vgg_block(chans[i], chans[i + 1], n) for i, (n, '''
        '''_) in enumerate(config)))
        side = image_size
        for _ in config:
            side //= 2
        self.fc1 = nn.Linear(chans[-1] * side * side, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, num_classes)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = torch.flatten(self.features(x), 1)
        x = self.drop(F.relu(self.fc1(x)))
        x = self.drop(F.relu(self.fc2(x)))
        return self.fc3(x)
''',
}
