"""Correct answers to the questions written differently: the length from nn.Conv1d itself, the choice with
spaces, and the count as a float computed from the output shape."""

BASED_ON = "written_differently"
EXPECT = "full"
ANSWERS = {
    "question_conv1d_length": '''
import torch
import torch.nn as nn

layer = nn.Conv1d(50, 64, kernel_size=5, stride=2, padding=1)
answer_conv1d_length = layer(torch.zeros(8, 50, 100)).shape[-1]
''',
    "question_conv1d_as_conv2d": '''
answer_conv1d_as_conv2d = " d"
''',
    "question_conv3d_multiplies": '''
import numpy as np

answer_conv3d_multiplies = float(np.prod((64, 16, 112, 112))) * 3 * 27
''',
}
