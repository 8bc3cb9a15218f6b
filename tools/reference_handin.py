"""Make the files a notebook hands in beside itself: ``python -m tools.reference_handin [ASSIGNMENT ...]``.

Notebook 12's challenge trains a model in a cell tagged ``handin`` and saves a checkpoint beside the
notebook; the grader never runs that cell, it grades the file handed in. The canary and the tests
hand in the reference solution's file, kept in ``solutions/<assignment>/reference_handin/``
(``tools.course.REFERENCE_HANDIN``, never released). This remakes it: the solution notebook runs in
quick mode, without its experiment cells, in a temporary folder, and every file it leaves there is
kept. Run it after changing the challenge's reference design (a test says when it is stale).

``make_handin`` does the same for any notebook (tests/support/handins.py uses it for the prepared
submissions' own files).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

from tools.course import REFERENCE_HANDIN, ROOT, assignments, nbgrader_env


def has_handin_cell(nb: nbformat.NotebookNode) -> bool:
    return any("handin" in cell.metadata.get("tags", []) for cell in nb.cells)


def make_handin(nb: nbformat.NotebookNode, dest: Path, timeout: int = 600) -> list[Path]:
    """Run ``nb`` in quick mode without its experiment cells; copy the files it writes into ``dest``."""
    from nbclient import NotebookClient

    nb = nbformat.from_dict(nb)
    nb.cells = [c for c in nb.cells if "experiment" not in c.metadata.get("tags", [])]
    with tempfile.TemporaryDirectory(prefix="handin-") as tmp:
        work = Path(tmp)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": tmp}})
        client.execute(env=nbgrader_env(quick=True))
        made = [p for p in work.iterdir() if p.is_file()]
        if not made:
            raise RuntimeError("the notebook ran but wrote no file to hand in")
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        for path in made:
            shutil.copy(path, dest / path.name)
    return sorted(dest / p.name for p in made)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help="default: every assignment with a handin cell")
    args = parser.parse_args(argv)
    for name in args.assignments or assignments():
        nb = nbformat.read(ROOT / "solutions" / name / f"{name}.ipynb", as_version=4)
        if not has_handin_cell(nb):
            if args.assignments:
                print(f"{name}: no cell tagged handin", file=sys.stderr)
                return 1
            continue
        for path in make_handin(nb, ROOT / "solutions" / name / REFERENCE_HANDIN):
            print(f"{name}: wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
