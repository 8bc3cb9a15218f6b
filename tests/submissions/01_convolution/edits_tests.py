"""Tampering: the no-bias answer, with one test cell emptied and another deleted.

nbgrader restores both from the gradebook, so this earns exactly what no_bias.py earns.
"""

BASED_ON = "no_bias"
EXPECT = "same_as:no_bias"


def EDIT(nb, cell_by_grade_id):
    cell_by_grade_id(nb, "test_conv2d_bias").source = "pass"
    nb.cells.remove(cell_by_grade_id(nb, "test_conv2d_vs_torch"))
    return nb
