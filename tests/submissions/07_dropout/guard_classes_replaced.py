"""Tampering: the answer cell replaces torch's TorchFunctionMode by an inert class, so the tests'
NumPy-only guard, built from it when a test runs, would refuse nothing; then it hands dropout to
torch as ``via_torch`` does."""

BASED_ON = "via_torch"
EXPECT = "zero"
REPLACE = {"dropout": [("import torch.nn.functional as F\n", '''import torch.nn.functional as F
import torch.overrides


class _Inert:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


torch.overrides.TorchFunctionMode = _Inert
''')]}
