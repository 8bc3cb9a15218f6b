"""Question mistakes, one each: the +1 forgotten in (N - F)/S + 1 (26), one weight per window cell
and channel (2 * 2 * 64), and max pooling mixed up with averaging (the window mean)."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 12.5 / 15  # the 12 exercise points at most: every question must lose its point
ANSWERS = {
    "answer_pool_size": "answer_pool_size = (55 - 3) // 2\n",
    "answer_pool_params": "answer_pool_params = 2 * 2 * 64\n",
    "answer_max_vs_avg": 'answer_max_vs_avg = "c"\n',
}
