"""VGG gives each block after the first its own c_out as input (vgg_block(c_out, c_out, n)), so from the
second block on the input channels do not match the previous block's output."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.6
REPLACE = {"vgg": [("vgg_block(chans[i], chans[i + 1], n)",
                    "vgg_block(chans[i] if i == 0 else chans[i + 1], chans[i + 1], n)")]}
