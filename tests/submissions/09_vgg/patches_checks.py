"""Tampering: wrong answers plus code that disables the assertion helpers it can see."""

EXPECT = "zero"
ANSWERS = {
    "vgg_block": '''
import torch.nn as nn
import cs_utils.checks

cs_utils.checks.assert_close = lambda *args, **kwargs: None
cs_utils.checks.assert_shape = lambda *args, **kwargs: None

def vgg_block(in_channels, out_channels, num_convs):
    return nn.Identity()
''',
    "vgg": '''
import torch
import torch.nn as nn

class VGG(nn.Module):
    def __init__(self, config, num_classes=1000, in_channels=3, image_size=224, hidden=4096, dropout=0.5):
        super().__init__()
        self.num_classes = num_classes
        self.scale = nn.Parameter(torch.ones(1))

    def forward(self, x):
        return torch.zeros(x.shape[0], self.num_classes) * self.scale
''',
}
