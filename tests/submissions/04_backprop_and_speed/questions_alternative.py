"""Correct answers to the questions written differently: the choice with spaces, the counts as a NumPy
integer and a float computed from the layer's shapes."""

BASED_ON = "einsum_offsets"
EXPECT = "full"
ANSWERS = {
    "question_dx_transposed": '''
answer_dx_transposed = " b "
''',
    "question_multiplies": '''
import numpy as np

out_positions = (32 - 5 + 1) ** 2
answer_forward_multiplies = np.int64(out_positions * 6 * 5 * 5 * 3)
answer_backward_multiplies = float(answer_forward_multiplies + out_positions * 6 * 75)
''',
}
