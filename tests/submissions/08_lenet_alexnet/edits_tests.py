"""Tampering: the params-without-bias answer, with one test cell emptied and another deleted.

nbgrader restores both from the gradebook, so this earns exactly what params_without_bias.py earns.
"""

BASED_ON = "params_without_bias"
EXPECT = "same_as:params_without_bias"


def EDIT(nb, cell_by_grade_id):
    cell_by_grade_id(nb, "test_alexnet_params").source = "pass"
    nb.cells.remove(cell_by_grade_id(nb, "test_alexnet_shapes"))
    return nb
