"""Question mistakes, one each: flipping read as negating the filter, the layer's weights counted
(3 * 3 * 4 * 8) instead of its outputs, and a filter taken to be tied to the position it fired at."""

BASED_ON = "vectorised"
EXPECT = "partial"
MAX_FRACTION = 8.5 / 11  # conv2d's 8 points at most: every question must lose its point
ANSWERS = {
    "answer_flip": 'answer_flip = "d"\n',
    "answer_output_numbers": "answer_output_numbers = 3 * 3 * 4 * 8\n",
    "answer_shift": 'answer_shift = "d"\n',
}
