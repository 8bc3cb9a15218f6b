"""Wrong answers to all three questions: test time scales by the keep probability as in the original
paper (2.25), dropout after every convolution (a), and one decision per activation (8 * 16 * 28 * 28)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 8.5 / 11   # each of the three 1-point questions must lose its point
ANSWERS = {
    "answer_test_output": "answer_test_output = 3.0 * (1 - 0.25)",
    "answer_dropout_place": 'answer_dropout_place = "a"',
    "answer_dropout2d_draws": "answer_dropout2d_draws = 8 * 16 * 28 * 28",
}
