"""Build the nbgrader source notebooks in solutions/ from the text sources in notebook_src/.

Each ``notebook_src/NN_topic.py`` is a percent-format script, reviewable as a plain diff. A cell
starts at a ``# %%`` line whose header says what nbgrader should make of it:

    # %% [markdown]                  markdown; its lines lose their leading "# "
    # %%                             ordinary code (setup, demos, experiments)
    # %% solution id=conv2d          student code; ### BEGIN/END SOLUTION inside it
    # %% tests id=test_x points=2    autograded, locked; may hold ### BEGIN/END HIDDEN TESTS
    # %% readonly id=x               locked code that is not graded

The output is deterministic (cell ids come from grade ids or positions, no execution counts, no
outputs), so ``--check`` can fail CI when a committed notebook drifts from its source.
Sources live outside solutions/ because nbgrader copies every non-notebook file of an
assignment folder into the student release.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIR = ROOT / "notebook_src"
SOLUTIONS_DIR = ROOT / "solutions"
HEADER = re.compile(r"^# %%(?P<rest>.*)$")
KINDS = {"solution", "tests", "readonly"}

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}


def parse_header(rest: str, where: str) -> tuple[str, str | None, dict[str, str]]:
    """Split a header's text into (cell type, nbgrader kind, key=value options)."""
    tokens = rest.split()
    cell_type = "code"
    if tokens and tokens[0] == "[markdown]":
        cell_type = "markdown"
        tokens = tokens[1:]
    kind = None
    options: dict[str, str] = {}
    for token in tokens:
        if "=" in token:
            key, value = token.split("=", 1)
            options[key] = value
        elif token in KINDS and kind is None:
            kind = token
        else:
            raise ValueError(f"{where}: unknown cell header token {token!r}")
    if kind and "id" not in options:
        raise ValueError(f"{where}: a {kind} cell needs id=...")
    if kind == "tests" and "points" not in options:
        raise ValueError(f"{where}: a tests cell needs points=...")
    return cell_type, kind, options


def markdown_text(lines: list[str], where: str) -> str:
    out = []
    for line in lines:
        if line == "#":
            out.append("")
        elif line.startswith("# "):
            out.append(line[2:])
        elif line.strip() == "":
            out.append("")
        else:
            raise ValueError(f"{where}: markdown lines must start with '# ': {line!r}")
    return "\n".join(out).strip("\n")


def nbgrader_metadata(kind: str, options: dict[str, str]) -> dict:
    meta = {"grade_id": options["id"], "locked": kind != "solution", "schema_version": 3,
            "solution": kind == "solution", "grade": kind == "tests"}
    if kind == "tests":
        meta["points"] = int(options["points"])
    return meta


def build(source: Path) -> nbformat.NotebookNode:
    """The solution notebook for one text source."""
    lines = source.read_text().splitlines()
    if not lines or not HEADER.match(lines[0]):
        raise ValueError(f"{source}: the first line must be a '# %%' cell header")
    chunks: list[tuple[str, int, list[str]]] = []
    for number, line in enumerate(lines, 1):
        match = HEADER.match(line)
        if match:
            chunks.append((match["rest"], number, []))
        else:
            chunks[-1][2].append(line)

    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO}
    seen_ids: set[str] = set()
    for index, (rest, number, body) in enumerate(chunks):
        where = f"{source.name}:{number}"
        cell_type, kind, options = parse_header(rest, where)
        if cell_type == "markdown":
            cell = nbformat.v4.new_markdown_cell(markdown_text(body, where))
        else:
            cell = nbformat.v4.new_code_cell("\n".join(body).strip("\n"))
        if kind:
            cell.metadata["nbgrader"] = nbgrader_metadata(kind, options)
            if kind == "solution" and "### BEGIN SOLUTION" not in cell.source:
                raise ValueError(f"{where}: solution cell without ### BEGIN SOLUTION")
        if "tags" in options:
            cell.metadata["tags"] = options["tags"].split(",")
        cell_id = options.get("id", f"cell-{index:03d}")
        if cell_id in seen_ids:
            raise ValueError(f"{where}: duplicate cell id {cell_id!r}")
        seen_ids.add(cell_id)
        cell.id = cell_id
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def target_for(source: Path, solutions_dir: Path = SOLUTIONS_DIR) -> Path:
    return solutions_dir / source.stem / f"{source.stem}.ipynb"


def render(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if solutions/ differs from the sources")
    parser.add_argument("names", nargs="*", help="notebook stems to build (default: all)")
    args = parser.parse_args(argv)
    sources = sorted(SOURCE_DIR.glob("[0-9][0-9]_*.py"))
    if args.names:
        sources = [s for s in sources if s.stem in args.names]
    drift = []
    for source in sources:
        target = target_for(source)
        text = render(build(source))
        if args.check:
            current = target.read_text() if target.exists() else ""
            if current != text:
                diff = difflib.unified_diff(current.splitlines(), text.splitlines(), str(target), "rebuilt", lineterm="")
                drift.append("\n".join(list(diff)[:40]))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            print(f"built {target.relative_to(ROOT)}")
    if drift:
        print("solutions/ is out of date with notebook_src/; run `make release`:\n" + "\n\n".join(drift))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
