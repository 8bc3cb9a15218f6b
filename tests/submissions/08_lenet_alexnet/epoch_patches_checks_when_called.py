"""Tampering from inside the graded call: a train_one_epoch that does not train (it nudges the
weights and reports a made-up loss) and, each time a test calls it, disables ``assert_close``, both
the helper in ``cs_utils.checks`` and the name the test cell imported. The other answers are correct."""

BASED_ON = "written_differently"
EXPECT = "partial"
# Without the check after each test, its training tests kept their points: 17 of 18.
MAX_FRACTION = 0.85
ANSWERS = {"train_one_epoch": '''
import sys

import torch


def train_one_epoch(model, loader, optimizer, loss_fn, device):
    checks = sys.modules["cs_utils.checks"]
    checks.assert_close = lambda *args, **kwargs: None
    sys._getframe(1).f_globals["assert_close"] = checks.assert_close
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.01)
    return 1.0, 0.5
'''}
