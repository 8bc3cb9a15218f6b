"""All three convolutions of mlpconv use the k x k kernel (with the padding, so the shapes still
work): they should be 1x1, a per-pixel MLP, and the block has far too many parameters."""

BASED_ON = "written_differently"
EXPECT = "partial"
ANSWERS = {
    "mlpconv": '''
def mlpconv(in_channels, out_channels, kernel_size, stride=1, padding=0):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size, padding=kernel_size // 2), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size, padding=kernel_size // 2), nn.ReLU(),
    )
''',
}
