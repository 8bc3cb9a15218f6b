"""mlpconv ends with a linear 1x1 convolution, as if it were the output layer of an MLP: NiN puts a
ReLU after every convolution of the block, the last one too."""

BASED_ON = "written_differently"
EXPECT = "partial"
ANSWERS = {
    "mlpconv": '''
def mlpconv(in_channels, out_channels, kernel_size, stride=1, padding=0):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, 1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, 1),
    )
''',
}
