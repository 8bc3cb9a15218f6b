"""The question answered right with torch arithmetic, which gives a 0-d tensor; the visible check used
to reject anything that was not a Python or NumPy scalar ("should be a positive number")."""

BASED_ON = "written_differently"
EXPECT = "full"
ANSWERS = {
    "question_fc_head_params": '''
import torch

answer_fc_head_params = torch.prod(torch.tensor([6, 6, 256, 100])) + 100
''',
}
