"""Wrong answers to the three questions: the output length without rounding down ((100 + 2 - 5) / 2 + 1),
only the height-1 reading of a 1D convolution (b), and the 3D multiplications without the 3 input channels."""

BASED_ON = "written_differently"
EXPECT = "partial"
MAX_FRACTION = 29 / 32  # exactly the three question points lost
ANSWERS = {
    "question_conv1d_length": '''
answer_conv1d_length = (100 + 2 * 1 - 5) / 2 + 1
''',
    "question_conv1d_as_conv2d": '''
answer_conv1d_as_conv2d = "b"
''',
    "question_conv3d_multiplies": '''
answer_conv3d_multiplies = 64 * 16 * 112 * 112 * 27
''',
}
