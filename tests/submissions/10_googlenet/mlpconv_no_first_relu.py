"""mlpconv forgets the ReLU after the first (k x k) convolution:
k x k conv -> 1x1 conv -> ReLU -> 1x1 conv -> ReLU."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
ANSWERS = {"mlpconv": '''
def mlpconv(in_channels, out_channels, kernel_size, stride=1, padding=0):
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding),
                         nn.Conv2d(out_channels, out_channels, 1), nn.ReLU(),
                         nn.Conv2d(out_channels, out_channels, 1), nn.ReLU())
'''}
