"""Pack your notebooks to hand in: ``python -m cs_utils.handin [--student ID] [NOTEBOOK ...]``.

Writes ``handin/ID.zip`` (``make submit STUDENT=ID``) holding every notebook of ``notebooks/`` as
``NN_topic/NN_topic.ipynb``, the layout the course's grader reads, with the files you saved beside
it (a trained model the notebook asks you to hand in, say); the grader knows you by the zip's
name. Without ``--student`` the zip is named after your login. NOTEBOOK (a path, an assignment
name or its number) packs only those notebooks. Nothing here runs the notebooks: use
``python -m cs_utils.validate`` (``make check``) for that.
"""

from __future__ import annotations

import argparse
import getpass
import json
import re
import sys
import zipfile
from pathlib import Path

from cs_utils.settings import course_settings
from cs_utils.validate import NOTEBOOKS, ROOT, find_notebooks

STUDENT_ID = re.compile(r"[A-Za-z0-9_.@+-]+")  # what the grader accepts as a zip's name
# The grader's limits (tools/grading/collect.py reads them here): the largest file it takes, and
# the largest notebook it grades. A notebook handed in larger, up to MAX_HANDIN_NOTEBOOK_BYTES, is
# graded without its outputs (``without_outputs``), which grading clears before it runs it anyway.
MAX_BYTES = 50 << 20
MAX_HANDIN_NOTEBOOK_BYTES = 256 << 20
SKIPPED = {".ipynb_checkpoints", "__pycache__"}
# What torchvision downloads for CIFAR-10 and MNIST (and their kin): a kernel started in the
# notebook's folder may put them there, and the grader has its own copy.
DATASET = re.compile(r"cifar-10-batches-py|cifar-10-python\.tar\.gz|cifar-100-python(\.tar\.gz)?"
                     r"|(fashion|k)?mnist", re.IGNORECASE)


def default_student() -> str:
    try:
        login = getpass.getuser()
    except Exception:  # noqa: BLE001 (no login name on this system)
        login = ""
    return re.sub(r"[^A-Za-z0-9_.@+-]", "_", login) or "student"


def without_outputs(data: bytes) -> bytes | None:
    """The notebook ``data`` with its code cells' outputs and execution counts cleared, or None when
    it is not a notebook's JSON."""
    try:
        nb = json.loads(data)
        for cell in nb["cells"]:
            if cell.get("cell_type") == "code":
                cell["outputs"], cell["execution_count"] = [], None
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return json.dumps(nb, indent=1, ensure_ascii=False).encode() + b"\n"


def problems(path: Path) -> list[str]:
    """What the grader would object to in the notebook at ``path`` (and unanswered exercises)."""
    data = path.read_bytes()
    clear = "clear big outputs (Edit > Clear Outputs of All Cells) and save"
    if len(data) > MAX_HANDIN_NOTEBOOK_BYTES:
        return [f"larger than {MAX_HANDIN_NOTEBOOK_BYTES >> 20} MB: the grader ignores it ({clear})"]
    try:
        cells = json.loads(data.decode("utf-8"))["cells"]
    except (ValueError, KeyError, TypeError):
        return ["not a valid notebook: the grader cannot read it (restore it from a backup?)"]
    notes = []
    if len(data) > MAX_BYTES:
        slim = without_outputs(data)
        if slim is None or len(slim) > MAX_BYTES:
            return [f"larger than {MAX_BYTES >> 20} MB even without its outputs: the grader ignores it "
                    "(keep large data in files, not in the notebook's cells)"]
        notes.append(f"{len(data) >> 20} MB with its outputs: graded without them (grading clears them "
                     f"anyway); {clear} to make the zip smaller")
    stubs = sum(1 for c in cells if isinstance(c, dict)
                and c.get("metadata", {}).get("nbgrader", {}).get("solution")
                and "raise NotImplementedError()" in "".join(c.get("source", "")))
    return notes + ([f"{stubs} exercise(s) still raise NotImplementedError"] if stubs else [])


def beside(notebook: Path) -> tuple[list[Path], list[str]]:
    """(the files saved in a notebook's folder that go with it, a note for each file left out).

    Other notebooks and caches are left out without a word. Downloaded datasets and files larger
    than the grader takes are left out with a note that says so: a missing checkpoint costs points,
    and the student must hear of it now, not from the grade.
    """
    folder = notebook.parent
    data_dir = course_settings().data_dir.resolve()
    files, datasets, too_big = [], set(), []
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if not path.is_file() or path.suffix == ".ipynb" or SKIPPED & set(parts):
            continue
        dataset = _dataset(path, folder, data_dir)
        if dataset is not None:
            datasets.add(dataset)
        elif path.stat().st_size > MAX_BYTES:
            too_big.append(path)
        else:
            files.append(path)
    notes = [f"{name} left out: a downloaded dataset (the grader has its own copy)"
             for name in sorted(datasets)]
    return files, notes + [_too_big_note(path, folder) for path in too_big]


def _dataset(path: Path, folder: Path, data_dir: Path) -> str | None:
    """The dataset folder (or archive) under ``folder`` that ``path`` belongs to, as a relative path:
    the course's data folder (``cs_utils.settings``) when it lies there, or a folder named like one."""
    if folder.resolve() in data_dir.parents and data_dir in path.resolve().parents:
        return data_dir.relative_to(folder.resolve()).as_posix() + "/"
    parts = path.relative_to(folder).parts
    for i, part in enumerate(parts):
        if DATASET.fullmatch(part):
            return "/".join(parts[:i + 1]) + ("/" if i < len(parts) - 1 else "")
    return None


def _too_big_note(path: Path, folder: Path) -> str:
    why = (f"{path.relative_to(folder).as_posix()} ({path.stat().st_size / 2**20:.0f} MB) left out: the "
           f"grader ignores files over {MAX_BYTES >> 20} MB")
    if path.suffix in {".pt", ".pth"}:
        return (f"{why}, so the tests that load this model score 0. Save a smaller model (fewer or "
                "narrower layers) and pack again, or hand the file in separately as your instructor says")
    return (f"{why}. If the notebook asks for it, make it smaller, or hand it in separately as your "
            "instructor says")


def pack(paths: list[Path], student: str, out_dir: Path) -> Path:
    """Write ``out_dir/student.zip`` with each notebook, and the files beside it, as ``<its
    folder>/<its name>``; return it. Prints a note for each file left out (see ``beside``)."""
    if not STUDENT_ID.fullmatch(student):
        raise SystemExit(f"{student!r} cannot name a hand-in: use letters, digits and _.@+- only")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{student}.zip"
    partial = target.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, f"{path.parent.name}/{path.name}")
            files, notes = beside(path)
            for extra in files:
                archive.write(extra, f"{path.parent.name}/{extra.relative_to(path.parent).as_posix()}")
            for note in notes:
                print(f"note: {path.parent.name}/{note}")
    partial.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cs_utils.handin", description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="paths, assignment names or numbers (default: all)")
    parser.add_argument("--student", help="your id in the course (default: your login name)")
    parser.add_argument("--out", type=Path, default=ROOT / "handin", help="folder for the zip")
    args = parser.parse_args(argv)
    paths = find_notebooks(args.notebooks)
    if not paths:
        print(f"no notebooks found under {NOTEBOOKS}", file=sys.stderr)
        return 1
    student = args.student or default_student()
    for path in paths:
        for problem in problems(path):
            print(f"note: {path.parent.name}/{path.name}: {problem}")
    target = pack(paths, student, args.out)
    print(f"wrote {target} ({len(paths)} notebooks, graded as student {student!r}"
          f"{'' if args.student else '; pass --student ID (make submit STUDENT=ID) to change that'}).")
    print("Upload that file where your course collects work.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
