"""Answers with the NiN head's count (a 1x1 convolution 256 -> 100 with biases) instead of the
fully connected head the question asks about."""

BASED_ON = "written_differently"
EXPECT = "partial"
ANSWERS = {
    "question_fc_head_params": '''
answer_fc_head_params = 256 * 100 + 100
''',
}
