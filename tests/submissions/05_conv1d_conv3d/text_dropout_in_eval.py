"""Mistake: TextCNN calls F.dropout(features, p) without training=self.training: F.dropout defaults to
training=True, so dropout stays on in eval mode."""

BASED_ON = "text_cnn_functional_dropout"
EXPECT = "partial"
MAX_FRACTION = 28.5 / 32   # loses the TextCNN forward and dropout tests
REPLACE = {"text_cnn": [('F.dropout(z, self.dropout_p, self.training)', 'F.dropout(z, self.dropout_p)')]}
