"""Returns only the main logits in eval mode, but still runs both auxiliary heads there (wasted work at test time)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_written_differently", Path(__file__).with_name("written_differently.py"))
_base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_base)

EXPECT = "partial"
MAX_FRACTION = 0.85
ANSWERS = dict(_base.ANSWERS, mini_googlenet=_base._MINI_INIT + '''
    def forward(self, x):
        x = self.stage1(self.stem(x))
        aux1 = self.aux1(x) if self.aux_logits else None
        x = self.stage2(x)
        aux2 = self.aux2(x) if self.aux_logits else None
        logits = self.fc(self.dropout(torch.flatten(self.gap(self.stage3(x)), 1)))
        if self.training and self.aux_logits:
            return logits, aux1, aux2
        return logits
''')
