"""Mistake: TextCNN drops the pooled time axis with .squeeze() (no dim): right unless the batch has one
sentence or num_filters is 1, when squeeze also drops that axis."""

BASED_ON = "text_cnn_functional_dropout"
EXPECT = "partial"
MAX_FRACTION = 27.5 / 32   # loses the TextCNN shape and forward tests
REPLACE = {"text_cnn": [('F.adaptive_max_pool1d(m, 1)[..., 0])', 'F.adaptive_max_pool1d(m, 1).squeeze())')]}
