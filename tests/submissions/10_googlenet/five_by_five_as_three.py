"""Copies torchvision's known bug: a 3x3 kernel (padding 1) in the "5x5" branch. Shapes are right, \
the rest is not."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.82  # loses 3 of 16 points
ANSWERS = {
    "inception": '''
class Inception(nn.Module):
    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        self.branch1 = conv_bn_relu(in_channels, ch1x1, 1)
        self.branch2 = nn.Sequential(conv_bn_relu(in_channels, ch3x3red, 1), conv_bn_relu(ch3x3red, '''
        '''ch3x3, 3, padding=1))
        self.branch3 = nn.Sequential(conv_bn_relu(in_channels, ch5x5red, 1), conv_bn_relu(ch5x5red, '''
        '''ch5x5, 3, padding=1))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, stride=1, padding=1), conv_bn_relu(in_channels, '''
        '''pool_proj, 1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)
''',
}
