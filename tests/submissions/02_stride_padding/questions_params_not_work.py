"""Question mistakes, one each: the ImageNet size 224 used instead of the 227 the question gives
((224 - 11) // 4 + 1 = 54), the parameter count given instead of the multiplications (750 weights),
and the receptive field taken to double per layer (3, 6, 12, 24: 4 layers)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 15.5 / 18  # the 15 exercise points at most: every question must lose its point
ANSWERS = {
    "answer_output_size": "answer_output_size = (224 - 11) // 4 + 1\n",
    "answer_multiplies": "answer_multiplies = 10 * 5 * 5 * 3\n",
    "answer_layers_for_15": "answer_layers_for_15 = 4\n",
}
