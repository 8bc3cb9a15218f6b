"""Correct answers to the questions written as arrays: the choice in capitals with a newline, the forward
count as a 0-d NumPy array and the backward count as a one-element torch tensor. The visible checks
used to accept only Python and NumPy scalars, so both counts failed although they were right."""

BASED_ON = "einsum_offsets"
EXPECT = "full"
ANSWERS = {
    "question_dx_transposed": '''
answer_dx_transposed = "B\\n"
''',
    "question_multiplies": '''
import numpy as np
import torch

out_shape = np.array([28, 28, 6])
answer_forward_multiplies = np.prod(out_shape) * np.array(5 * 5 * 3)
answer_backward_multiplies = torch.tensor([2.0]) * int(answer_forward_multiplies)
''',
}
