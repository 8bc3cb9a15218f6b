"""Correct answers to the three questions in other forms: capitals with spaces, a NumPy integer."""

BASED_ON = "vectorised"
EXPECT = "full"
ANSWERS = {
    "answer_flip": 'answer_flip = " B "\n',
    "answer_output_numbers": "import numpy as np\n\nanswer_output_numbers = np.int64(8) ** 3\n",
    "answer_shift": 'answer_shift = "B"\n',
}
