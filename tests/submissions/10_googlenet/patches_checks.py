"""Tampering: wrong answers everywhere, plus code that disables the assertion helpers it can see."""

EXPECT = "zero"
_PATCH = '''
import contextlib
import cs_utils.checks

cs_utils.checks.assert_close = lambda *args, **kwargs: None
cs_utils.checks.assert_shape = lambda *args, **kwargs: None
'''
ANSWERS = {
    "naive_inception_ops": _PATCH + '''
def naive_inception_ops(height, width, in_channels, ch1x1, ch3x3, ch5x5):
    return 854_196_224
''',
    "inception_ops": '''
def inception_ops(height, width, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
    return 271_351_808
''',
    "inception": '''
class Inception(nn.Module):
    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(1))

    def forward(self, x):
        return x * self.scale
''',
    "mini_googlenet": '''
class MiniGoogLeNet(nn.Module):
    def __init__(self, num_classes=10, *args, **kwargs):
        super().__init__()
        self.num_classes = num_classes

    def forward(self, x):
        return x.new_zeros(x.shape[0], self.num_classes)
''',
}
