"""Question mistakes, one each: the stride taken to equal the window (55 // 3 = 18), the window's
four cells counted as weights, and max pooling taken to keep the feature's exact position."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 12.5 / 15  # the 12 exercise points at most: every question must lose its point
ANSWERS = {
    "answer_pool_size": "answer_pool_size = 55 // 3\n",
    "answer_pool_params": "answer_pool_params = 2 * 2\n",
    "answer_max_vs_avg": 'answer_max_vs_avg = "a"\n',
}
