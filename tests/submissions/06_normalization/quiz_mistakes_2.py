"""Wrong answers to all three questions: the bias inflates the variance (d), group norm averages over
one channel of an example (d, that is instance norm), and the count leaves out the group's channels (49)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 24.5 / 27   # each of the three 1-point questions must lose its point
ANSWERS = {
    "answer_bn_bias": 'answer_bn_bias = "d"',
    "answer_gn_axes": 'answer_gn_axes = "d"',
    "answer_gn_count": "answer_gn_count = 49",
}
