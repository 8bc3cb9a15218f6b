"""Correct, in torchvision's style: ReLU modules (in place) kept as attributes, the shortcut computed
first and added in place, a projection named through an OrderedDict, and a match statement over the
depths."""

EXPECT = "full"
ANSWERS = {
    "basic_block": '''
from collections import OrderedDict


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(OrderedDict(
                conv=nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
                bn=nn.BatchNorm2d(out_channels)))
        else:
            self.shortcut = nn.Identity()

    def forward(self, x):
        identity = self.shortcut(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return self.relu(out)
''',
    "bottleneck": '''
class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, in_channels, channels, stride=1):
        super().__init__()
        out_channels = channels * Bottleneck.expansion
        self.conv1 = nn.Conv2d(in_channels, channels, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.conv3 = nn.Conv2d(channels, out_channels, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.shortcut = nn.Identity()
        if stride > 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels))

    def forward(self, x):
        identity = self.shortcut(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)
''',
    "resnet": '''
def resnet(depth, num_classes=1000, width=64, stem="imagenet", basic_block=None, bottleneck_block=None):
    match depth:
        case 18:
            block, layers = basic_block or BasicBlock, [2, 2, 2, 2]
        case 34:
            block, layers = basic_block or BasicBlock, [3, 4, 6, 3]
        case 50:
            block, layers = bottleneck_block or Bottleneck, [3, 4, 6, 3]
        case 101:
            block, layers = bottleneck_block or Bottleneck, [3, 4, 23, 3]
        case 152:
            block, layers = bottleneck_block or Bottleneck, [3, 8, 36, 3]
        case _:
            raise ValueError(f"ResNet-{depth} is not one of 18, 34, 50, 101, 152")
    return ResNet(block, layers, num_classes=num_classes, widths=[width * m for m in (1, 2, 4, 8)], stem=stem)
''',
}
