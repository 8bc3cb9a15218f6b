"""Tampering: the one-sided-padding answer, with one test cell emptied and another deleted.

nbgrader restores both from the gradebook, so this earns exactly what one_sided_padding.py earns.
"""

BASED_ON = "one_sided_padding"
EXPECT = "same_as:one_sided_padding"


def EDIT(nb, cell_by_grade_id):
    cell_by_grade_id(nb, "test_conv1d_padding").source = "pass"
    nb.cells.remove(cell_by_grade_id(nb, "test_conv1d_vs_torch"))
    return nb
