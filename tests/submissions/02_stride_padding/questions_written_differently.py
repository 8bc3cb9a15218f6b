"""Correct answers to the three questions in other forms: floats, and the receptive-field rule solved."""

BASED_ON = "written_differently"
EXPECT = "full"
ANSWERS = {
    "answer_output_size": "answer_output_size = (227 - 11) / 4 + 1   # 55.0\n",
    "answer_multiplies": "outputs = 32 * 32 * 10\nanswer_multiplies = float(outputs * 5 * 5 * 3)\n",
    "answer_layers_for_15": ("import math\n\n# 1 + 2 * layers >= 15\n"
                             "answer_layers_for_15 = math.ceil((15 - 1) / 2)\n"),
}
