"""TextCNN writes its own dropout mask in training mode but forgets to scale the kept features by 1/(1-p)."""

BASED_ON = "mean_over_time"
EXPECT = "partial"
MAX_FRACTION = 0.97
REPLACE = {
    "text_cnn": [
        (".mean(dim=2)", ".amax(dim=2)"),
        ("        return self.fc(self.dropout(h))",
         "        if self.training:\n"
         "            h = h * (torch.rand_like(h) > self.dropout.p)\n"
         "        return self.fc(h)"),
    ],
}
