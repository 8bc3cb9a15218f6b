"""Correct, but written differently from the reference: a custom projection module, in-place additions,
torch.relu, a loop over the bottleneck's layers, and an if/elif chain for the configurations."""

EXPECT = "full"
ANSWERS = {
    "basic_block": '''
class Projection(nn.Module):
    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False)
        self.norm = nn.BatchNorm2d(out_channels)

    def forward(self, x):
        return self.norm(self.conv(x))


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, (3, 3), (stride, stride), (1, 1), bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, (3, 3), padding=(1, 1), bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        same_shape = stride == 1 and in_channels == out_channels
        self.shortcut = nn.Identity() if same_shape else Projection(in_channels, out_channels, stride)

    def forward(self, x):
        identity = self.shortcut(x)
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return torch.relu(out)
''',
    "bottleneck": '''
class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, in_channels, channels, stride=1):
        super().__init__()
        widths = [in_channels, channels, channels, 4 * channels]
        kernels, strides = [1, 3, 1], [1, stride, 1]
        for i in range(3):
            setattr(self, f"conv{i + 1}", nn.Conv2d(widths[i], widths[i + 1], kernels[i], strides[i],
                                                    kernels[i] // 2, bias=False))
            setattr(self, f"bn{i + 1}", nn.BatchNorm2d(widths[i + 1]))
        if stride != 1 or in_channels != 4 * channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, 4 * channels, 1, stride, bias=False),
                                          nn.BatchNorm2d(4 * channels))
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        out = x
        for i in (1, 2, 3):
            out = getattr(self, f"bn{i}")(getattr(self, f"conv{i}")(out))
            if i < 3:
                out = F.relu(out)
        return F.relu(out + self.shortcut(x))
''',
    "resnet": '''
def resnet(depth, num_classes=1000, width=64, stem="imagenet", basic_block=None, bottleneck_block=None):
    basic_block = basic_block or BasicBlock
    bottleneck_block = bottleneck_block or Bottleneck
    if depth == 18:
        block, layers = basic_block, (2, 2, 2, 2)
    elif depth == 34:
        block, layers = basic_block, (3, 4, 6, 3)
    elif depth in (50, 101, 152):
        block = bottleneck_block
        layers = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}[depth]
    else:
        raise ValueError("unsupported depth")
    return ResNet(block, list(layers), num_classes, tuple(width * 2 ** i for i in range(4)), stem)
''',
}
