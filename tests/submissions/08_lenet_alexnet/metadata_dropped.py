"""The params_without_bias answer in a notebook with no cell metadata at all (no nbgrader cells, no
tags): copied into a fresh notebook, or saved by an editor that keeps none. The tests come back from
the gradebook after the student's answers, and the experiments run too (no cell is recognised as
untouched), so this earns exactly what params_without_bias.py earns."""

from tests.support.notebooks import drop_all_metadata

BASED_ON = "params_without_bias"
EXPECT = "same_as:params_without_bias"

EDIT = drop_all_metadata
