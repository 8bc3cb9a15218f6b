"""Wrong answers to all three questions: the bias shifts BN's output (a), group norm averages over all
channels of an example (c, that is layer norm), and the count includes both examples of the batch (392)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 24.5 / 27   # each of the three 1-point questions must lose its point
ANSWERS = {
    "answer_bn_bias": 'answer_bn_bias = "a"',
    "answer_gn_axes": 'answer_gn_axes = "c"',
    "answer_gn_count": "answer_gn_count = 2 * 32 // 8 * 7 * 7",
}
