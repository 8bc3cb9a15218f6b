"""alexnet_shapes hard-codes FC6's 9,216 inputs (256 x 6 x 6) instead of POOL3's actual size, so FC6's
parameter count ignores input_size."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 0.9
REPLACE = {"alexnet_shapes": [('["fc6", [4096], 256 * p3 * p3 * 4096 + 4096]',
                                '["fc6", [4096], 9216 * 4096 + 4096]')]}
