"""Correct Inception without nn.Sequential branches: the layers as attributes and an explicit forward that \
max-pools with F.max_pool2d and applies in-place ReLUs with F.relu; the other answers written differently."""

BASED_ON = "written_differently"
EXPECT = "full"
ANSWERS = {
    "inception": '''
import torch.nn.functional as F


class Inception(nn.Module):
    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        specs = {"one": (in_channels, ch1x1, 1),
                 "red3": (in_channels, ch3x3red, 1), "three": (ch3x3red, ch3x3, 3),
                 "red5": (in_channels, ch5x5red, 1), "five": (ch5x5red, ch5x5, 5),
                 "proj": (in_channels, pool_proj, 1)}
        for name, (c_in, c_out, k) in specs.items():
            setattr(self, name + "_conv", nn.Conv2d(c_in, c_out, k, padding=k // 2, bias=False))
            setattr(self, name + "_bn", nn.BatchNorm2d(c_out))

    def unit(self, name, x):
        return F.relu(getattr(self, name + "_bn")(getattr(self, name + "_conv")(x)), inplace=True)

    def forward(self, x):
        pooled = F.max_pool2d(x, kernel_size=3, stride=1, padding=1)
        return torch.cat([self.unit("one", x), self.unit("three", self.unit("red3", x)),
                          self.unit("five", self.unit("red5", x)), self.unit("proj", pooled)], dim=1)
''',
}
