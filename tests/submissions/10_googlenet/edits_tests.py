"""Tampering: the aux_in_eval answer, with one test cell emptied and another deleted.

nbgrader restores both from the gradebook, so this earns exactly what aux_in_eval.py earns.
"""

BASED_ON = "aux_in_eval"
EXPECT = "same_as:aux_in_eval"


def EDIT(nb, cell_by_grade_id):
    cell_by_grade_id(nb, "test_googlenet_eval").source = "pass"
    nb.cells.remove(cell_by_grade_id(nb, "test_inception_branches"))
    return nb
