"""TextCNN pools each feature map with the mean over time instead of Kim's max over time."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
ANSWERS = {
    "text_cnn": '''
import torch
import torch.nn as nn
import torch.nn.functional as F

class TextCNN(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_classes, filter_widths=(3, 4, 5), num_filters=100, '''
    '''dropout=0.5):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.convs = nn.ModuleList([nn.Conv1d(embed_dim, num_filters, h) for h in filter_widths])
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(len(filter_widths) * num_filters, num_classes)

    def forward(self, tokens):
        x = self.embedding(tokens).transpose(1, 2)
        h = torch.cat([F.relu(conv(x)).mean(dim=2) for conv in self.convs], dim=1)
        return self.fc(self.dropout(h))
''',
}
