"""Correct: TextCNN creates its convolutions before the embedding, so its random initial weights differ
from the reference's. Checks that depend on the initial weights (a ReLU that happens to change nothing)
must not cost it points."""

BASED_ON = "written_differently"
EXPECT = "full"
ANSWERS = {
    "text_cnn": '''
import torch
import torch.nn as nn
import torch.nn.functional as F

class TextCNN(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_classes, filter_widths=(3, 4, 5), num_filters=100, '''
    '''dropout=0.5):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv1d(embed_dim, num_filters, h) for h in filter_widths])
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(len(filter_widths) * num_filters, num_classes)

    def forward(self, tokens):
        x = self.embedding(tokens).transpose(1, 2)
        pooled = [F.relu(conv(x)).amax(dim=2) for conv in self.convs]
        return self.fc(self.dropout(torch.cat(pooled, dim=1)))
''',
}
