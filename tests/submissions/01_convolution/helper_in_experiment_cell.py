"""Correct, with the work done by a helper the student defined in an experiment cell they edited.

The autograder skips experiment cells only when nothing outside the exercise cells was changed;
here one was edited, so every cell runs (the edited one needs the digits an earlier experiment cell
loads), the helper exists, and the answer earns full marks.
"""

EXPECT = "full"
KEEP_EXPERIMENTS = True
ANSWERS = {"conv2d": '''
def conv2d(x, w, b=None):
    out = correlate_all(x, w)
    return out if b is None else out + b[None, :, None, None]
''',
    "answer_flip": 'answer_flip = "b"\n',
    "answer_output_numbers": "answer_output_numbers = 512\n",
    "answer_shift": 'answer_shift = "b"\n',
}

HELPER = '''

# My helper, written while playing with the figure above.
import numpy as np

def correlate_all(x, w):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    out = np.zeros((N, F, H - HH + 1, W - WW + 1), dtype=x.dtype)
    for i in range(HH):
        for j in range(WW):
            patch = x[:, :, i:i + H - HH + 1, j:j + W - WW + 1]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    return out
'''


def EDIT(nb, cell_by_grade_id):
    solution = nb.cells.index(cell_by_grade_id(nb, "conv2d"))
    experiment = max(i for i, c in enumerate(nb.cells[:solution])
                     if "experiment" in c.metadata.get("tags", []) and "digits_x" in c.source)
    nb.cells[experiment].source += HELPER
    return nb
