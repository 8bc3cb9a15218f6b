"""Both ops functions count 2 operations per multiply-add (FLOPs, as torch's counter does) instead of the
multiplications asked for."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.8
ANSWERS = {"naive_inception_ops": '''
def naive_inception_ops(height, width, in_channels, ch1x1, ch3x3, ch5x5):
    total = 0
    for kernel, filters in ((1, ch1x1), (3, ch3x3), (5, ch5x5)):
        total += 2 * filters * kernel ** 2 * in_channels
    return total * height * width
''', "inception_ops": '''
def inception_ops(height, width, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
    layers = [(in_channels, ch1x1, 1), (in_channels, ch3x3red, 1), (ch3x3red, ch3x3, 3),
              (in_channels, ch5x5red, 1), (ch5x5red, ch5x5, 5), (in_channels, pool_proj, 1)]
    return 2 * sum(height * width * c_in * c_out * k * k for c_in, c_out, k in layers)
'''}
