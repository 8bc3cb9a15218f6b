"""Tampering: the hooks_on_containers answer, with one test cell emptied and another deleted.

nbgrader restores both from the gradebook, so this earns exactly what hooks_on_containers.py earns.
"""

BASED_ON = "hooks_on_containers"
EXPECT = "same_as:hooks_on_containers"


def EDIT(nb, cell_by_grade_id):
    cell_by_grade_id(nb, "test_activation_bytes_leaves").source = "pass"
    nb.cells.remove(cell_by_grade_id(nb, "test_conv2d_flops_vs_counter"))
    return nb
