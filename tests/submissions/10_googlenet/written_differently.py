"""Correct, but written nothing like the reference: loops over layer lists, an nn.ModuleList of \
branches, and a
forward pass that returns early at test time."""

EXPECT = "full"

_MINI_INIT = ('''
class MiniGoogLeNet(nn.Module):
    def __init__(self, num_classes=10, in_channels=3, width=1.0, aux_logits=True, dropout=0.4, '''
    '''aux_dropout=0.7,
                 inception=None, stem_pools=0):
        super().__init__()
        inception = inception or Inception
        c64, c192 = max(1, round(64 * width)), max(1, round(192 * width))
        self.aux_logits = aux_logits
        pools = [nn.MaxPool2d(3, stride=2, padding=1) for _ in range(stem_pools)]
        self.stem = nn.Sequential(conv_bn_relu(in_channels, c64, 3, padding=1), *pools[:1],
                                  conv_bn_relu(c64, c64, 1), conv_bn_relu(c64, c192, 3, padding=1),
                                  *pools[1:])
        self.stage1, channels = inception_stack(["3a", "3b", "pool", "4a"], c192, width, inception)
        self.aux1 = AuxHead(channels, num_classes, width, aux_dropout) if aux_logits else None
        self.stage2, channels = inception_stack(["4b", "4c", "4d"], channels, width, inception)
        self.aux2 = AuxHead(channels, num_classes, width, aux_dropout) if aux_logits else None
        self.stage3, channels = inception_stack(["4e", "pool", "5a", "5b"], channels, width, inception)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(channels, num_classes)
''')

ANSWERS = {
    "naive_inception_ops": '''
def naive_inception_ops(height, width, in_channels, ch1x1, ch3x3, ch5x5):
    total = 0
    for kernel, filters in ((1, ch1x1), (3, ch3x3), (5, ch5x5)):
        total += filters * kernel ** 2 * in_channels
    return total * height * width
''',
    "inception_ops": '''
def inception_ops(height, width, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
    layers = [(in_channels, ch1x1, 1), (in_channels, ch3x3red, 1), (ch3x3red, ch3x3, 3),
              (in_channels, ch5x5red, 1), (ch5x5red, ch5x5, 5), (in_channels, pool_proj, 1)]
    return sum(height * width * c_in * c_out * k * k for c_in, c_out, k in layers)
''',
    "inception": '''
class Inception(nn.Module):
    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()

        def unit(c_in, c_out, k):
            return [nn.Conv2d(c_in, c_out, k, padding=k // 2, bias=False), nn.BatchNorm2d(c_out), nn.ReLU()]

        self.branches = nn.ModuleList([
            nn.Sequential(*unit(in_channels, ch1x1, 1)),
            nn.Sequential(*unit(in_channels, ch3x3red, 1), *unit(ch3x3red, ch3x3, 3)),
            nn.Sequential(*unit(in_channels, ch5x5red, 1), *unit(ch5x5red, ch5x5, 5)),
            nn.Sequential(nn.MaxPool2d(kernel_size=3, stride=1, padding=1), *unit(in_channels, pool_proj, 1)),
        ])

    def forward(self, x):
        return torch.cat([branch(x) for branch in self.branches], dim=-3)
''',
    "mlpconv": '''
def mlpconv(in_channels, out_channels, kernel_size, stride=1, padding=0):
    layers = [nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding)]
    for _ in range(2):
        layers += [nn.ReLU(), nn.Conv2d(out_channels, out_channels, kernel_size=(1, 1))]
    return nn.Sequential(*layers, nn.ReLU())
''',
    "question_fc_head_params": '''
answer_fc_head_params = 921_700  # 9,216 inputs x 100 classes + 100 biases
''',
    "mini_googlenet": _MINI_INIT + '''
    def forward(self, x):
        h1 = self.stage1(self.stem(x))
        h2 = self.stage2(h1)
        logits = self.fc(self.dropout(self.gap(self.stage3(h2)).flatten(start_dim=1)))
        if not self.training or not self.aux_logits:
            return logits
        return (logits, self.aux1(h1), self.aux2(h2))
''',
}
