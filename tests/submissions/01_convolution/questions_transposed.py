"""Question mistakes, one each: the filter transposed instead of rotated by 180 degrees, the output
counted once per input channel (8 * 8 * 8 * 4), and a shift taken to flip the response's sign."""

BASED_ON = "vectorised"
EXPECT = "partial"
MAX_FRACTION = 8.5 / 11  # conv2d's 8 points at most: every question must lose its point
ANSWERS = {
    "answer_flip": 'answer_flip = "c"\n',
    "answer_output_numbers": "answer_output_numbers = 8 * 8 * 8 * 4\n",
    "answer_shift": 'answer_shift = "c"\n',
}
