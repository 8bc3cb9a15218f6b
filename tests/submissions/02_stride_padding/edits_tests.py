"""Tampering: the stride-ignored answer, with one test cell emptied and another deleted.

nbgrader restores both from the gradebook, so this earns exactly what stride_ignored.py earns.
"""

BASED_ON = "stride_ignored"
EXPECT = "same_as:stride_ignored"


def EDIT(nb, cell_by_grade_id):
    cell_by_grade_id(nb, "test_conv2d_stride").source = "pass"
    nb.cells.remove(cell_by_grade_id(nb, "test_conv2d_vs_torch"))
    return nb
