"""Run a source notebook's tests in one plain kernel, without nbgrader: for cheap, many-variant checks.

``quick_grade(nb_path, replace)`` executes the instructor notebook (hidden tests included) with some
solution cells' sources replaced, skipping cells tagged ``experiment``, and returns
``{grade_id: (passed, points)}``. It mirrors nbgrader's rule: a test cell passes when it runs
without an error output. It is what the mutation check uses; the real autograder is tested elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient


def grade_cells(nb) -> dict[str, float]:
    return {c.metadata["nbgrader"]["grade_id"]: float(c.metadata["nbgrader"].get("points", 0))
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}


def quick_grade(nb_path: Path, replace: dict[str, str] | None = None, timeout: int = 120,
                keep_experiments: bool = False) -> dict[str, tuple[bool, float]]:
    nb = nbformat.read(nb_path, as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if not keep_experiments and "experiment" in cell.metadata.get("tags", []):
            continue
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if replace and grade_id in replace:
            cell.source = replace[grade_id]
        cells.append(cell)
    nb.cells = cells
    client = NotebookClient(nb, timeout=timeout, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": str(nb_path.parent)}})
    try:
        client.execute()
    except Exception:  # noqa: BLE001 (a timeout or a dead kernel: the cells not run count as failed)
        pass
    result = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            ran = cell.get("execution_count") is not None
            failed = not ran or any(o.get("output_type") == "error" for o in cell.get("outputs", []))
            result[meta["grade_id"]] = (not failed, float(meta.get("points", 0)))
    return result
