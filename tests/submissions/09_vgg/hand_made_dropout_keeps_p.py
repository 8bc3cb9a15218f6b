"""A hand-made dropout that keeps each value with probability p instead of 1 - p (mask = rand < p), with
the 1/(1 - p) scaling and a shortcut for p = 0: zeros appear and the kept values have the right scale,
but at p = 0.3 it drops 70% of the values."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.78
REPLACE = {"vgg": [
    ("        self.drop = nn.Dropout(dropout)\n", "        self.p = dropout\n"),
    ("    def forward(self, x):\n        x = torch.flatten(self.features(x), 1)\n",
     "    def drop(self, x):\n"
     "        if not self.training or self.p == 0:\n"
     "            return x\n"
     "        return x * (torch.rand_like(x) < self.p) / (1 - self.p)\n\n"
     "    def forward(self, x):\n        x = torch.flatten(self.features(x), 1)\n"),
]}
