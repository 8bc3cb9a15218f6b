"""Tampering: the unscaled answer, with one test cell emptied and another deleted.

nbgrader restores both from the gradebook, so this earns exactly what no_rescaling.py earns.
"""

BASED_ON = "no_rescaling"
EXPECT = "same_as:no_rescaling"


def EDIT(nb, cell_by_grade_id):
    cell_by_grade_id(nb, "test_dropout_scaling").source = "pass"
    nb.cells.remove(cell_by_grade_id(nb, "test_dropout_backward"))
    return nb
