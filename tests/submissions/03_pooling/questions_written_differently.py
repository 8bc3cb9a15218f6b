"""Correct answers to the three questions in other forms: a float, a NumPy integer and a capital letter."""

BASED_ON = "written_differently"
EXPECT = "full"
ANSWERS = {
    "answer_pool_size": "answer_pool_size = (55 - 3) / 2 + 1\n",
    "answer_pool_params": "import numpy as np\n\nanswer_pool_params = np.int64(0)\n",
    "answer_max_vs_avg": 'answer_max_vs_avg = "B"\n',
}
