"""Question mistakes, one each: convolution and cross-correlation taken to be the same operation (no
flip needed), the output counted at the input's 10x10 size (8 * 10 * 10, forgetting that it shrinks),
and a convolution taken to ignore shifts (the map unchanged)."""

BASED_ON = "vectorised"
EXPECT = "partial"
MAX_FRACTION = 8.5 / 11  # conv2d's 8 points at most: every question must lose its point
ANSWERS = {
    "answer_flip": 'answer_flip = "a"\n',
    "answer_output_numbers": "answer_output_numbers = 8 * 10 * 10\n",
    "answer_shift": 'answer_shift = "a"\n',
}
