"""Returns only the main logits in eval mode, but still runs both auxiliary heads there \
(wasted work at test time)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.875  # loses 2 of 16 points
# written_differently.py's MiniGoogLeNet.__init__, with this forward pass instead of its own.
REPLACE = {"mini_googlenet": [('''
    def forward(self, x):
        h1 = self.stage1(self.stem(x))
        h2 = self.stage2(h1)
        logits = self.fc(self.dropout(self.gap(self.stage3(h2)).flatten(start_dim=1)))
        if not self.training or not self.aux_logits:
            return logits
        return (logits, self.aux1(h1), self.aux2(h2))
''', '''
    def forward(self, x):
        x = self.stage1(self.stem(x))
        aux1 = self.aux1(x) if self.aux_logits else None
        x = self.stage2(x)
        aux2 = self.aux2(x) if self.aux_logits else None
        logits = self.fc(self.dropout(torch.flatten(self.gap(self.stage3(x)), 1)))
        if self.training and self.aux_logits:
            return logits, aux1, aux2
        return logits
''')]}
