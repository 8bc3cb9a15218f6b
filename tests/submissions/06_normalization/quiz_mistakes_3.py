"""Wrong answers to all three questions: the bias scales like gamma (c), group norm averages one channel
over the batch (a, that is batch norm), and the count is the channels per group only (4)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 24.5 / 27   # each of the three 1-point questions must lose its point
ANSWERS = {
    "answer_bn_bias": "answer_bn_bias = 'c'",
    "answer_gn_axes": "answer_gn_axes = 'A'",
    "answer_gn_count": "answer_gn_count = 32 // 8",
}
