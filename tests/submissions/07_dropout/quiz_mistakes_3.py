"""Wrong answers to all three questions: test time scales by p instead of the keep probability
(3 * 0.25), dropout after the softmax (d), and one decision per spatial position shared by all
channels (8 * 28 * 28)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 8.5 / 11   # each of the three 1-point questions must lose its point
ANSWERS = {
    "answer_test_output": "answer_test_output = 3.0 * 0.25",
    "answer_dropout_place": 'answer_dropout_place = "d"',
    "answer_dropout2d_draws": "answer_dropout2d_draws = 8 * 28 * 28",
}
