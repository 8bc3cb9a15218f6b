"""TextCNN takes the maximum over time of the raw feature maps: the ReLU is forgotten. Kim's features
are never negative; these are whenever a filter matches no window of the sentence."""

BASED_ON = "convs_created_first"
REPLACE = {"text_cnn": [("F.relu(conv(x)).amax(dim=2)", "conv(x).amax(dim=2)")]}
EXPECT = "partial"
MAX_FRACTION = 0.95
