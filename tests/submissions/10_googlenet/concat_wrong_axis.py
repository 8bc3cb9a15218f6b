"""Concatenates the branches with torch.cat's default axis 0 (the batch) instead of the channel axis."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.82  # loses 3 of 16 points
ANSWERS = {
    "inception": '''
class Inception(nn.Module):
    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        self.b1 = conv_bn_relu(in_channels, ch1x1, 1)
        self.b2 = nn.Sequential(conv_bn_relu(in_channels, ch3x3red, 1), conv_bn_relu(ch3x3red, ch3x3, 3, '''
        '''padding=1))
        self.b3 = nn.Sequential(conv_bn_relu(in_channels, ch5x5red, 1), conv_bn_relu(ch5x5red, ch5x5, 5, '''
        '''padding=2))
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1), conv_bn_relu(in_channels, pool_proj, 1))

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)])
''',
}
