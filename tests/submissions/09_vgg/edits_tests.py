"""Tampering: the no-ReLU answer, with one test cell emptied and another deleted.

nbgrader restores both from the gradebook, so this earns exactly what no_relu.py earns.
"""

BASED_ON = "no_relu"
EXPECT = "same_as:no_relu"


def EDIT(nb, cell_by_grade_id):
    cell_by_grade_id(nb, "test_vgg_block_forward").source = "pass"
    nb.cells.remove(cell_by_grade_id(nb, "test_vgg_forward"))
    return nb
