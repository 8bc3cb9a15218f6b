"""Question mistakes, one each: the +1 forgotten in (N - F)/S + 1 (54), the biases counted as
multiplications (760 parameters times 1024 positions), and the receptive field taken to be 3 per
layer (15 / 3 = 5 layers)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 15.5 / 18  # the 15 exercise points at most: every question must lose its point
ANSWERS = {
    "answer_output_size": "answer_output_size = (227 - 11) // 4\n",
    "answer_multiplies": "answer_multiplies = 760 * 32 * 32\n",
    "answer_layers_for_15": "answer_layers_for_15 = 15 // 3\n",
}
