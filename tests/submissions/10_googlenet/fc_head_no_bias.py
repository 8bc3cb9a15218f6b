"""Counts the fully connected head's weights (6*6*256*100) but forgets its 100 biases."""

BASED_ON = "written_differently"
EXPECT = "partial"
ANSWERS = {
    "question_fc_head_params": '''
answer_fc_head_params = 6 * 6 * 256 * 100
''',
}
