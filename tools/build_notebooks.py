"""Build the nbgrader source notebooks in solutions/ from the jupytext sources in notebook_src/.

Each ``notebook_src/NN_topic.py`` is a jupytext percent script (reviewable as a plain diff, and it
opens as a notebook in JupyterLab). jupytext reads the cells; this module maps three header keys to
nbgrader's metadata (see notebook_src/README.md):

    # %% solution="conv2d"                  student code; ### BEGIN/END SOLUTION inside it
    # %% tests="test_conv2d_shape" points=2  autograded and locked; may hold ### BEGIN/END HIDDEN TESTS
    # %% readonly="x"                       locked code that is not graded
    # %% tags=["experiment"]                no test depends on it (the grader may skip it)

The output is deterministic (cell ids come from grade ids or positions, no execution counts, no
outputs), so ``--check`` can fail CI when a committed notebook drifts from its source. Sources live
outside solutions/ because nbgrader copies every non-notebook file of an assignment folder into the
student release.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

import jupytext
import nbformat

from tools.course import ROOT, student_package

SOURCE_DIR = ROOT / "notebook_src"
SOLUTIONS_DIR = ROOT / "solutions"
FORMAT = "py:percent"
NBGRADER_KINDS = ("solution", "tests", "readonly")
# Keys a header may carry; jupytext adds lines_to_next_cell itself (blank lines), which is not content.
HEADER_KEYS = {*NBGRADER_KINDS, "points", "tags"}
JUPYTEXT_LAYOUT_KEYS = {"lines_to_next_cell"}

# The first code cell of every notebook (ahead of its setup cell): on Colab, where the course's
# helpers are not installed, it installs them; anywhere else it does nothing. Written here once, not
# copied into twelve sources; the package it installs is pinned in tools/course.py.
COLAB_SETUP_ID = "colab-setup"
COLAB_SETUP = """\
# On Colab: install the course's helper package (cs_utils) at this notebook's version first.
# Anywhere else (your laptop, JupyterLab from `make lab`, the grader) this cell does nothing.
import sys

if "google.colab" in sys.modules:
    import importlib.util
    import subprocess

    if importlib.util.find_spec("cs_utils") is None:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", {package!r}])"""

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}


def header_lines(text: str) -> list[int]:
    """Line numbers of the ``# %%`` headers, to point error messages at the source."""
    return [n for n, line in enumerate(text.splitlines(), 1) if line.startswith("# %%")]


def nbgrader_metadata(header: dict, where: str) -> dict | None:
    """nbgrader's cell metadata for a header's keys, or None for an ordinary cell."""
    unknown = set(header) - HEADER_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown cell header key(s) {sorted(unknown)}; "
                         f"use one of {sorted(HEADER_KEYS)} (notebook_src/README.md)")
    kinds = [k for k in NBGRADER_KINDS if k in header]
    if len(kinds) > 1:
        raise ValueError(f"{where}: a cell is one of {kinds}, not several")
    if not kinds:
        if "points" in header:
            raise ValueError(f"{where}: points=... belongs to a tests=\"...\" cell")
        return None
    kind = kinds[0]
    grade_id = header[kind]
    if not isinstance(grade_id, str) or not grade_id:
        raise ValueError(f'{where}: write {kind}="grade_id"')
    meta = {"grade_id": grade_id, "locked": kind != "solution", "schema_version": 3,
            "solution": kind == "solution", "grade": kind == "tests"}
    if kind == "tests":
        if not isinstance(header.get("points"), int) or header["points"] <= 0:
            raise ValueError(f"{where}: a tests cell needs points=N (a positive integer)")
        meta["points"] = header["points"]
    elif "points" in header:
        raise ValueError(f"{where}: only tests cells carry points")
    return meta


def build(source: Path) -> nbformat.NotebookNode:
    """The solution notebook for one jupytext source."""
    text = source.read_text()
    parsed = jupytext.reads(text, fmt=FORMAT)
    lines = header_lines(text)
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO}
    seen_ids: set[str] = set()
    for index, parsed_cell in enumerate(parsed.cells):
        located = len(lines) == len(parsed.cells)
        where = f"{source.name}:{lines[index]}" if located else f"{source.name}, cell {index}"
        header = {k: v for k, v in parsed_cell.metadata.items() if k not in JUPYTEXT_LAYOUT_KEYS}
        if parsed_cell.cell_type == "markdown":
            cell = nbformat.v4.new_markdown_cell(parsed_cell.source.strip("\n"))
        else:
            cell = nbformat.v4.new_code_cell(parsed_cell.source.strip("\n"))
        meta = nbgrader_metadata(header, where)
        if meta:
            if parsed_cell.cell_type != "code":
                raise ValueError(f"{where}: nbgrader cells are code cells")
            if meta["solution"] and "### BEGIN SOLUTION" not in cell.source:
                raise ValueError(f"{where}: solution cell without ### BEGIN SOLUTION")
            cell.metadata["nbgrader"] = meta
        if "tags" in header:
            cell.metadata["tags"] = list(header["tags"])
        cell_id = meta["grade_id"] if meta else f"cell-{index:03d}"
        if cell_id in seen_ids:
            raise ValueError(f"{where}: duplicate cell id {cell_id!r}")
        seen_ids.add(cell_id)
        cell.id = cell_id
        nb.cells.append(cell)
    if COLAB_SETUP_ID in seen_ids:
        raise ValueError(f"{source.name}: the grade id {COLAB_SETUP_ID!r} is the Colab set-up cell's")
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    setup = nbformat.v4.new_code_cell(COLAB_SETUP.format(package=student_package()))
    setup.id = COLAB_SETUP_ID
    nb.cells.insert(first_code, setup)
    nbformat.validate(nb)
    return nb


def sources(names: list[str] | None = None, source_dir: Path = SOURCE_DIR) -> list[Path]:
    found = sorted(source_dir.glob("[0-9][0-9]_*.py"))
    return [s for s in found if not names or s.stem in names]


def target_for(source: Path, solutions_dir: Path = SOLUTIONS_DIR) -> Path:
    return solutions_dir / source.stem / f"{source.stem}.ipynb"


def render(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def drift(source: Path) -> str | None:
    """A short diff when the committed solution notebook differs from a fresh build, else None."""
    target = target_for(source)
    current = target.read_text() if target.exists() else ""
    text = render(build(source))
    if current == text:
        return None
    diff = difflib.unified_diff(current.splitlines(), text.splitlines(), str(target), "rebuilt", lineterm="")
    return "\n".join(list(diff)[:40])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if solutions/ differs from the sources")
    parser.add_argument("names", nargs="*", help="notebook stems to build (default: all)")
    args = parser.parse_args(argv)
    if args.check:
        drifted = [d for d in map(drift, sources(args.names)) if d]
        if drifted:
            print("solutions/ is out of date with notebook_src/; run `make release`:\n"
                  + "\n\n".join(drifted))
            return 1
        return 0
    for source in sources(args.names):
        target = target_for(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(build(source)))
        print(f"built {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
