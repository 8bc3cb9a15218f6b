"""Wrong answers to all three questions: the training-time scaling applied at test time too (4.0),
dropout on the input image (c), and one decision per channel shared by the whole batch (16)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 8.5 / 11   # each of the three 1-point questions must lose its point
ANSWERS = {
    "answer_test_output": "answer_test_output = 3.0 / (1 - 0.25)",
    "answer_dropout_place": "answer_dropout_place = 'C'",
    "answer_dropout2d_draws": "answer_dropout2d_draws = 16",
}
