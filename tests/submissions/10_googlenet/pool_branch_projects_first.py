"""Pool branch in the wrong order: the 1x1 conv_bn_relu first, then the 3x3 max pool. Shapes, parameter \
count and each branch's reach are all right; only the order inside the pool branch is not."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.875  # loses test_inception_branches, 2 of 16 points
ANSWERS = {
    "inception": '''
class Inception(nn.Module):
    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        self.branch1 = conv_bn_relu(in_channels, ch1x1, 1)
        self.branch2 = nn.Sequential(conv_bn_relu(in_channels, ch3x3red, 1), conv_bn_relu(ch3x3red, '''
        '''ch3x3, 3, padding=1))
        self.branch3 = nn.Sequential(conv_bn_relu(in_channels, ch5x5red, 1), conv_bn_relu(ch5x5red, '''
        '''ch5x5, 5, padding=2))
        self.branch4 = nn.Sequential(conv_bn_relu(in_channels, pool_proj, 1), nn.MaxPool2d(3, stride=1, '''
        '''padding=1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)
''',
}
