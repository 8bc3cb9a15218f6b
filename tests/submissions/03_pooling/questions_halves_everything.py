"""Question mistakes, one each: the size simply halved (55 / 2 = 27.5, as for a 2x2 pool), one
parameter per channel (64, as if pooling had a scale per map), and pooling taken to change the depth."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 12.5 / 15  # the 12 exercise points at most: every question must lose its point
ANSWERS = {
    "answer_pool_size": "answer_pool_size = 55 / 2\n",
    "answer_pool_params": "answer_pool_params = 64\n",
    "answer_max_vs_avg": 'answer_max_vs_avg = "d"\n',
}
