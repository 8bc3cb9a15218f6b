"""VGG's classifier calls F.dropout(x, p) without training=self.training, so dropout stays on in eval mode."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.8
ANSWERS = {"vgg": '''
import torch
import torch.nn as nn
import torch.nn.functional as F

class VGG(nn.Module):
    def __init__(self, config, num_classes=1000, in_channels=3, image_size=224, hidden=4096, dropout=0.5):
        super().__init__()
        blocks, c = [], in_channels
        for n, c_out in config:
            blocks.append(vgg_block(c, c_out, n))
            c = c_out
        self.features = nn.Sequential(*blocks)
        s = image_size // 2 ** len(config)
        self.fc1, self.fc2 = nn.Linear(c * s * s, hidden), nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, num_classes)
        self.p = dropout

    def forward(self, x):
        x = torch.flatten(self.features(x), 1)
        x = F.dropout(F.relu(self.fc1(x)), self.p)
        x = F.dropout(F.relu(self.fc2(x)), self.p)
        return self.fc3(x)
'''}
