"""Run the notebooks' tests from a terminal: ``python -m cs_utils.validate [NOTEBOOK ...] [--full]``.

What the Validate button does, for many notebooks at once (``make check``): nbgrader's Validator runs
each notebook from a fresh kernel and this lists the tests that fail, by name. The exit status is 1
if any test fails, a test cell was changed, or a notebook could not run (``nbgrader validate`` exits
0 even then, so its Python API is used instead).

NOTEBOOK is a path, an assignment name (``01_convolution``) or its number (``01``); without one,
every notebook under ``notebooks/`` is checked. Notebooks run in quick mode (``CS_QUICK=1``), as
grading runs them; ``--full`` runs them in full mode. Settings (time limits, the stderr rule) come
from ``nbgrader_config.py`` next to ``notebooks/``. The kernels import the ``cs_utils`` that sits
next to ``notebooks/`` (this package), whatever else the environment has installed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from cs_utils.settings import course_root

ROOT = course_root()  # the folder that holds notebooks/ and this cs_utils
NOTEBOOKS = ROOT / "notebooks"


def find_notebooks(selectors: list[str] | None = None, folder: Path = NOTEBOOKS) -> list[Path]:
    """The notebooks that ``selectors`` name (paths, assignment names or numbers); all without any."""
    everything = sorted(p for p in folder.glob("*/*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not selectors:
        return everything
    found: list[Path] = []
    for selector in selectors:
        path = Path(selector)
        if path.is_file():
            matches = [path]
        elif path.is_dir():
            matches = sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        else:
            matches = [p for p in everything if p.stem == selector or p.parent.name == selector
                       or p.stem.startswith(selector.rstrip("_") + "_")]
        if not matches:
            known = ", ".join(p.parent.name for p in everything) or "none"
            raise SystemExit(f"no notebook matches {selector!r} (notebooks: {known})")
        found += [m.resolve() for m in matches if m.resolve() not in found]
    return found


def load_config():
    """nbgrader's configuration from ``nbgrader_config.py`` next to ``notebooks/`` (empty without one)."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    if not (ROOT / "nbgrader_config.py").exists():
        return Config()
    return PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()


def _last_line(text: str) -> str:
    lines = [line.strip() for line in re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines() if line.strip()]
    return lines[-1][:200].rstrip(": ") if lines else ""


def _changed_cells(nb) -> list[str]:
    """Ids of the locked cells whose type or source differs from the release (the Validator's rule)."""
    from nbgrader.utils import compute_checksum

    changed = []
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if not (meta.get("grade") or meta.get("locked") or meta.get("solution")):
            continue
        retyped = meta.get("cell_type") and meta["cell_type"] != cell.cell_type
        edited = meta.get("locked") and "checksum" in meta and compute_checksum(cell) != meta["checksum"]
        if retyped or edited:
            changed.append(meta.get("grade_id") or f"cell {index + 1}")
    return changed


def validate(path: Path, config=None) -> dict:
    """Validate one notebook: {"notebook", "tests" (graded cell ids), "failed": [(id, error)],
    "changed": [ids], "error": text or None, "ok": bool}."""
    import nbformat
    from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, Execute, IgnorePattern
    from nbgrader.validator import Validator

    result = {"notebook": str(path), "tests": [], "failed": [], "changed": [], "error": None, "ok": False}
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as err:  # noqa: BLE001 (any unreadable file is reported, not raised)
        result["error"] = f"not a readable notebook ({type(err).__name__}: {_last_line(str(err))})"
        return result
    names = {}
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") or meta.get("locked"):
            names.setdefault(cell.source.strip(), meta.get("grade_id") or f"cell {index + 1}")
        if meta.get("grade") and cell.cell_type == "code":
            result["tests"].append(meta.get("grade_id") or f"cell {index + 1}")
    validator = Validator(config=config if config is not None else load_config())
    # Grading also drops stderr that is only Python warnings before it scores a test cell.
    validator.preprocessors = [CheckCellMetadata, ClearOutput, Execute, IgnorePattern]
    try:
        verdict = validator.validate(str(path))
    except Exception as err:  # noqa: BLE001 (a kernel that does not start, a schema error, ...)
        result["error"] = f"{type(err).__name__}: {_last_line(str(err))}"
        return result
    if verdict.get("type_changed") or verdict.get("changed"):
        result["changed"] = _changed_cells(nb) or ["a locked cell"]
    for cell in verdict.get("failed", []):
        result["failed"].append((names.get(cell["source"], "a test cell"), _last_line(cell["raw_error"])))
    result["ok"] = not (result["changed"] or result["failed"])
    return result


def report(result: dict) -> str:
    name = Path(result["notebook"]).stem
    if result["error"]:
        return f"FAIL  {name}: {result['error']}"
    if result["changed"]:
        return (f"FAIL  {name}: these cells were changed, so they will not count as you see them: "
                f"{', '.join(result['changed'])}.\n      Undo the change (or copy the cell from a fresh "
                "copy of the notebook); a code formatter changes them too.")
    if result["failed"]:
        lines = [f"FAIL  {name}: {len(result['failed'])} of {len(result['tests'])} tests fail"]
        lines += [f"      {grade_id}: {error or 'failed'}" for grade_id, error in result["failed"]]
        return "\n".join(lines)
    return f"ok    {name}: all {len(result['tests'])} tests pass"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cs_utils.validate", description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="paths, assignment names or numbers (default: all)")
    parser.add_argument("--full", action="store_true", help="full mode instead of quick mode")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    paths = find_notebooks(args.notebooks)
    if not paths:
        print(f"no notebooks found under {NOTEBOOKS}", file=sys.stderr)
        return 1
    # Kernels inherit this process's environment.
    os.environ["CS_QUICK"] = "0" if args.full else "1"
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    config = load_config()
    results = []
    for path in paths:
        if not args.json:
            print(f"...   {path.stem}", flush=True)
        result = validate(path, config)
        results.append(result)
        if not args.json:
            print(report(result), flush=True)
    failed = [Path(r["notebook"]).stem for r in results if not r["ok"]]
    if args.json:
        print(json.dumps(results, indent=1))
    elif failed:
        print(f"\n{len(failed)} of {len(results)} notebooks fail: {', '.join(failed)}")
    else:
        print(f"\nAll {len(results)} notebooks pass their tests.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
