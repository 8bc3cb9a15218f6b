"""Correct: TextCNN's convolutions written nn.Conv1d(..., padding="valid"), PyTorch's name for no padding; the
layer keeps the string "valid" as its .padding instead of (0,), but it is the same layer."""

BASED_ON = "written_differently"
EXPECT = "full"
REPLACE = {"text_cnn": [('nn.Conv1d(embed_dim, num_filters, kernel_size=h)',
                         'nn.Conv1d(embed_dim, num_filters, kernel_size=h, padding="valid")')]}
