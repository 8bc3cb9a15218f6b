"""TextCNN written with an nn.ModuleList of convs, F.adaptive_max_pool1d and F.dropout told
training=self.training (no nn.Dropout module): correct."""

BASED_ON = "written_differently"
EXPECT = "full"
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
        z = F.dropout(z, self.dropout_p, self.training)
        return self.head(z)
''',
}
