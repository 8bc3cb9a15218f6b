"""Correct, written as an nn.Module subclass with named layers and F.relu in forward, and the
question answered with a float."""

BASED_ON = "written_differently"
EXPECT = "full"
ANSWERS = {
    "mlpconv": '''
class MLPConv(nn.Module):
    def __init__(self, cin, cout, k, stride, padding):
        super().__init__()
        self.spatial = nn.Conv2d(cin, cout, k, stride=stride, padding=padding)
        self.pixel1 = nn.Conv2d(cout, cout, 1)
        self.pixel2 = nn.Conv2d(cout, cout, 1)

    def forward(self, x):
        return F.relu(self.pixel2(F.relu(self.pixel1(F.relu(self.spatial(x))))))


def mlpconv(in_channels, out_channels, kernel_size, stride=1, padding=0):
    return MLPConv(in_channels, out_channels, kernel_size, stride, padding)
''',
    "question_fc_head_params": '''
answer_fc_head_params = float((6 * 6 * 256 + 1) * 100)
''',
}
