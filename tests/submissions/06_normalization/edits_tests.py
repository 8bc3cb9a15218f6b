"""Tampering: the biased-variance answer, with one test cell emptied and another deleted.

nbgrader restores both from the gradebook, so this earns exactly what biased_running_var.py earns.
"""

BASED_ON = "biased_running_var"
EXPECT = "same_as:biased_running_var"


def EDIT(nb, cell_by_grade_id):
    cell_by_grade_id(nb, "test_batch_norm_running").source = "pass"
    nb.cells.remove(cell_by_grade_id(nb, "test_batch_norm_spatial"))
    return nb
