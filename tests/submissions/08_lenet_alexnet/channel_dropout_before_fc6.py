"""AlexNet with channel dropout (F.dropout2d) on POOL3's maps before the flatten, instead of element-wise
dropout on FC6's input: the share dropped and the 1/(1 - p) scaling are right, but whole 6x6 maps
go at once. The dropout check used to accept it."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.95
REPLACE = {"alexnet": [
    ("x = torch.flatten(F.max_pool2d(x, 3, 2), 1)",
     "x = torch.flatten(F.dropout2d(F.max_pool2d(x, 3, 2), self.p, self.training), 1)"),
    ("x = F.relu(self.fc6(F.dropout(x, self.p, self.training)))", "x = F.relu(self.fc6(x))"),
]}
