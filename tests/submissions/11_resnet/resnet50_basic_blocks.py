"""Builds ResNet-50/101/152 from basic blocks: the layer counts are right, the block type is not."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.85
ANSWERS = {
    "resnet": '''
def resnet(depth, num_classes=1000, width=64, stem="imagenet", basic_block=None, bottleneck_block=None):
    basic_block = basic_block or BasicBlock
    layers = {18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3]}
    if depth not in layers:
        raise ValueError(depth)
    return ResNet(basic_block, layers[depth], num_classes, (width, 2 * width, 4 * width, 8 * width), stem)
''',
}
