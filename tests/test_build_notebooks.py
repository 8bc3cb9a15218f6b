"""tools/build_notebooks.py: jupytext sources in, nbgrader source notebooks out, with its checks."""

from __future__ import annotations

import jupytext
import pytest

from tools import build_notebooks
from tools.course import ROOT, assignments

SMALL = '''# %% [markdown]
# # Title
#
# Some *text*.

# %%
import numpy as np

# %% solution="double"
def double(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION


# %% tests="test_double" points=2
assert double(2) == 4

# %% readonly="given"
GIVEN = 1

# %% tags=["experiment"]
print(double(np.arange(3)))
'''


def build_text(tmp_path, text):
    source = tmp_path / "99_small.py"
    source.write_text(text)
    return build_notebooks.build(source)


def test_headers_map_to_nbgrader_metadata(tmp_path):
    nb = build_text(tmp_path, SMALL)
    assert nb.cells.pop(1).id == build_notebooks.COLAB_SETUP_ID, "the Colab set-up cell comes first"
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code", "code", "code", "code"]
    assert nb.cells[0].source == "# Title\n\nSome *text*."
    assert [c.id for c in nb.cells] == ["cell-000", "cell-001", "double", "test_double", "given", "cell-005"]
    assert nb.cells[2].metadata["nbgrader"] == {
        "grade_id": "double", "locked": False, "schema_version": 3, "solution": True, "grade": False}
    assert nb.cells[3].metadata["nbgrader"] == {
        "grade_id": "test_double", "locked": True, "schema_version": 3, "solution": False, "grade": True,
        "points": 2}
    assert nb.cells[4].metadata["nbgrader"]["locked"] and not nb.cells[4].metadata["nbgrader"]["grade"]
    assert nb.cells[5].metadata == {"tags": ["experiment"]}
    assert "lines_to_next_cell" not in nb.cells[2].metadata, "jupytext's layout keys are not content"
    assert nb.cells[2].source.endswith("### END SOLUTION"), "blank lines between cells are not content"


@pytest.mark.parametrize("bad, message", [
    ('# %% tests="test_double"\nassert True\n', "needs points"),
    ('# %% tests="test_double" points=0\nassert True\n', "needs points"),
    ('# %% solution="double"\ndef double(x):\n    return 2 * x\n', "without ### BEGIN SOLUTION"),
    ('# %% sollution="double"\nx = 1\n', "unknown cell header key"),
    ('# %% points=2\nx = 1\n', "belongs to a tests"),
    ('# %% readonly="a" points=1\nx = 1\n', "only tests cells carry points"),
    ('# %% readonly="a"\nx = 1\n\n# %% readonly="a"\ny = 2\n', "duplicate cell id"),
    ('# %% solution="a" tests="b" points=1\nx = 1\n', "not several"),
])
def test_builder_refuses_bad_headers(tmp_path, bad, message):
    with pytest.raises(ValueError, match=message):
        build_text(tmp_path, bad)


def test_errors_name_the_line(tmp_path):
    with pytest.raises(ValueError, match=r"99_small.py:4:"):
        build_text(tmp_path, '# %%\nx = 1\n\n# %% tests="t"\nassert x\n')


def test_a_jupytext_header_from_jupyterlab_is_accepted(tmp_path):
    """Saving a source from JupyterLab adds jupytext's YAML header; the build is unchanged."""
    saved = jupytext.writes(jupytext.reads(SMALL, fmt="py:percent"), fmt="py:percent")
    with_header = ("# ---\n# jupyter:\n#   kernelspec:\n#     display_name: Python 3 (ipykernel)\n"
                   "#     language: python\n#     name: python3\n# ---\n\n" + saved)
    assert build_notebooks.render(build_text(tmp_path, with_header)) == build_notebooks.render(
        build_text(tmp_path, SMALL))


@pytest.mark.parametrize("name", assignments())
def test_course_sources_are_canonical_jupytext(name):
    """Each source survives jupytext's read and write unchanged, so JupyterLab round-trips it."""
    text = (ROOT / "notebook_src" / f"{name}.py").read_text()
    assert jupytext.writes(jupytext.reads(text, fmt="py:percent"), fmt="py:percent") == text


def test_solutions_are_built_from_notebook_src():
    assert build_notebooks.main(["--check"]) == 0, "run `make release` and commit solutions/ and notebooks/"


def test_builder_is_deterministic():
    for source in build_notebooks.sources():
        assert build_notebooks.render(build_notebooks.build(source)) == \
            build_notebooks.render(build_notebooks.build(source))
