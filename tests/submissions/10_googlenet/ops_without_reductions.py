"""Counts the 3x3 and 5x5 convolutions on the reduced depth but forgets the cost of \
the 1x1 reductions themselves."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.82  # loses 3 of 16 points
ANSWERS = {
    "inception_ops": '''
def inception_ops(height, width, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
    hw = height * width
    return hw * (ch1x1 * in_channels + ch3x3 * 9 * ch3x3red + ch5x5 * 25 * ch5x5red + pool_proj * in_channels)
''',
}
