"""TextCNN creates its nn.Dropout in __init__ but forward never calls it, so training sees no dropout."""

BASED_ON = "mean_over_time"
EXPECT = "partial"
MAX_FRACTION = 0.97
REPLACE = {
    "text_cnn": [
        (".mean(dim=2)", ".amax(dim=2)"),
        ("return self.fc(self.dropout(h))", "return self.fc(h)"),
    ],
}
