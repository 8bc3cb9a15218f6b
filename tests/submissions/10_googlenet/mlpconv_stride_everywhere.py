"""Passes stride and padding to every convolution of mlpconv: the 1x1 convolutions then shrink
(or pad) the map again, so strided blocks come out too small."""

BASED_ON = "written_differently"
EXPECT = "partial"
ANSWERS = {
    "mlpconv": '''
def mlpconv(in_channels, out_channels, kernel_size, stride=1, padding=0):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, 1, stride=stride, padding=padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, 1, stride=stride, padding=padding), nn.ReLU(),
    )
''',
}
