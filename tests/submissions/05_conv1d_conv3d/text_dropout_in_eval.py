"""Mistake: TextCNN calls F.dropout(features, p) without training=self.training: F.dropout defaults to
training=True, so dropout stays on in eval mode."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 28.5 / 32   # loses the TextCNN forward and dropout tests
ANSWERS = {
    "text_cnn": '''
import torch
import torch.nn as nn
import torch.nn.functional as F


class TextCNN(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_classes, filter_widths=(3, 4, 5), num_filters=100,
                 dropout=0.5):
        super().__init__()
        self.lookup = nn.Embedding(vocab_size, embed_dim)
        self.filters = nn.ModuleList([nn.Conv1d(embed_dim, num_filters, h, stride=1, padding=0)
                                      for h in filter_widths])
        self.dropout_p = dropout
        self.head = nn.Linear(len(filter_widths) * num_filters, num_classes)

    def forward(self, tokens):
        emb = self.lookup(tokens)                       # (N, T, E)
        x = emb.transpose(-1, -2)                       # (N, E, T)
        feats = []
        for conv in self.filters:
            m = F.relu(conv(x))
            feats.append(F.adaptive_max_pool1d(m, 1)[..., 0])
        z = torch.cat(feats, 1)
        z = F.dropout(z, self.dropout_p)
        return self.head(z)
''',
}
