"""Tampering: the shortcut_after_relu answer, with one test cell emptied and another deleted.

nbgrader restores both from the gradebook, so this earns exactly what shortcut_after_relu.py earns.
"""

BASED_ON = "shortcut_after_relu"
EXPECT = "same_as:shortcut_after_relu"


def EDIT(nb, cell_by_grade_id):
    cell_by_grade_id(nb, "test_basic_block_zero_branch").source = "pass"
    nb.cells.remove(cell_by_grade_id(nb, "test_basic_block_forward"))
    return nb
