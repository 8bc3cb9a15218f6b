"""vgg_block repeats one Conv2d object with list multiplication ([conv, relu] * (num_convs - 1)): the
later convs share one set of weights, so a 3-conv block has only 2 convs' parameters."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.7
ANSWERS = {"vgg_block": '''
import torch.nn as nn

def vgg_block(in_channels, out_channels, num_convs):
    layers = [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()]
    layers += [nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1), nn.ReLU()] * (num_convs - 1)
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)
'''}
