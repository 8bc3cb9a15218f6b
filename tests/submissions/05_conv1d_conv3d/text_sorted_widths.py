"""Mistake: TextCNN sorts the filter widths (self.widths = sorted(filter_widths)), so the pooled features are
concatenated in increasing width, not in the order of filter_widths as asked."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 29.5 / 32   # loses test_text_cnn_forward
ANSWERS = {
    "text_cnn": '''
import torch
import torch.nn as nn
import torch.nn.functional as F


class TextCNN(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_classes, filter_widths=(3, 4, 5), num_filters=100,
                 dropout=0.5):
        super().__init__()
        self.widths = tuple(sorted(filter_widths))
        self.emb = nn.Embedding(vocab_size, embed_dim)
        self.conv = nn.ModuleDict({str(h): nn.Conv1d(embed_dim, num_filters, kernel_size=h)
                                   for h in self.widths})
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(len(self.widths) * num_filters, num_classes)

    def forward(self, tokens):
        x = self.emb(tokens).permute(0, 2, 1).contiguous()
        # max over time, then ReLU: ReLU is monotone, so relu(max) == max(relu)
        feats = [torch.max(self.conv[str(h)](x), dim=2).values.clamp(min=0) for h in self.widths]
        return self.fc(self.dropout(torch.cat(feats, dim=-1)))
''',
}
