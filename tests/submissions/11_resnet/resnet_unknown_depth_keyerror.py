"""Looks the depth up in a dict without checking it, so resnet(20) raises a KeyError, not the
ValueError the exercise asks for."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.95
ANSWERS = {
    "resnet": '''
def resnet(depth, num_classes=1000, width=64, stem="imagenet", basic_block=None, bottleneck_block=None):
    basic_block = basic_block or BasicBlock
    bottleneck_block = bottleneck_block or Bottleneck
    block = basic_block if depth < 50 else bottleneck_block
    configs = {18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3]}
    layers = configs[depth]
    return ResNet(block, layers, num_classes, (width, 2 * width, 4 * width, 8 * width), stem)
''',
}
