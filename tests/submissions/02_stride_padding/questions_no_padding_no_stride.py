"""Question mistakes, one each: the stride ignored (227 - 11 + 1 = 217), the padding ignored in the
output size (28 x 28 outputs instead of 32 x 32), and one layer too many (8 layers see 17x17)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 15.5 / 18  # the 15 exercise points at most: every question must lose its point
ANSWERS = {
    "answer_output_size": "answer_output_size = 227 - 11 + 1\n",
    "answer_multiplies": "answer_multiplies = 28 * 28 * 10 * 75\n",
    "answer_layers_for_15": "answer_layers_for_15 = 8\n",
}
