"""Wrong answers to the three questions: dx as "undoing the flip" (c), the forward multiplications without
the 3 input channels (28 * 28 * 6 * 25), and a backward pass taken to cost the same as the forward."""

BASED_ON = "einsum_offsets"
EXPECT = "partial"
MAX_FRACTION = 0.9
ANSWERS = {
    "question_dx_transposed": '''
answer_dx_transposed = "c"
''',
    "question_multiplies": '''
answer_forward_multiplies = 28 * 28 * 6 * 5 * 5
answer_backward_multiplies = 28 * 28 * 6 * 5 * 5 * 3
''',
}
