"""Correct, but in another order than the reference: the classifier is created before the blocks
(its input size worked out from the config first), and each dropout sits before its ReLU (the same
as after it)."""

BASED_ON = "written_differently"
EXPECT = "full"
ANSWERS = {
    "vgg": '''
import torch.nn as nn

class VGG(nn.Module):
    def __init__(self, config, num_classes=1000, in_channels=3, image_size=224, hidden=4096, dropout=0.5):
        super().__init__()
        side = image_size // 2 ** len(config)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(config[-1][1] * side * side, hidden), nn.Dropout(dropout), nn.ReLU(inplace=True),
            nn.Linear(hidden, hidden), nn.Dropout(dropout), nn.ReLU(inplace=True),
            nn.Linear(hidden, num_classes))
        blocks, channels = [], in_channels
        for num_convs, out_channels in config:
            blocks.append(vgg_block(channels, out_channels, num_convs))
            channels = out_channels
        self.features = nn.Sequential(*blocks)

    def forward(self, x):
        return self.classifier(self.features(x))
''',
}
