"""Collecting: hand-ins in any layout in, nbgrader's layout (staged) out.

A submissions folder holds one entry per student: nbgrader's ``<student>/<assignment>/<notebook>.ipynb``,
a folder of notebooks ``<student>/<notebook>.ipynb``, or a zip ``<student>.zip``. Each notebook
file is read once into facts (``match.HandIn``: readable? which grade ids? which exercises
answered?), ``match.match_notebooks`` decides what is graded, and the chosen notebooks are staged
as ``<stage>/<student>/<assignment>/<notebook>.ipynb`` for nbgrader. The stage is the course's
``submitted/`` (nbgrader's ``submitted_directory``, so the formgrader lists what was graded),
except when the submissions *are* the course's ``submitted/``: the source folder is never
modified, so the stage is then ``autograde_work/submitted``.

What is staged is the notebook as handed in, but for two things nbgrader would reject although the
work inside is fine (``stageable``): a UTF-8 byte order mark (some Windows editors write one) is
dropped, and a notebook over ``MAX_NOTEBOOK_BYTES`` because of its outputs (images, animations;
up to ``MAX_HANDIN_NOTEBOOK_BYTES``) is staged without them, with a note: grading clears every
output before it runs the notebook anyway (nbgrader's ClearOutput).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cs_utils import handin
from tools.course import assignments
from tools.grading import lms
from tools.grading.match import CourseIndex, HandIn, match_notebooks
from tools.grading.records import Item, Status

# The limits students' `make submit` checks against (cs_utils.handin), under the grader's names.
MAX_NOTEBOOK_BYTES = handin.MAX_BYTES  # what nbgrader is given, and any file but a notebook
MAX_HANDIN_NOTEBOOK_BYTES = handin.MAX_HANDIN_NOTEBOOK_BYTES  # a notebook as handed in, outputs included
STUDENT_ID = re.compile(r"[A-Za-z0-9_.@+-]+")
RESERVED_PREFIX = "_canary"  # student ids of the canary (tools/grading/canary.py)


@dataclass
class Course:
    """What collecting needs to know of the course."""

    index: CourseIndex
    released: dict[str, dict[str, dict[str, str]]]  # assignment -> notebook -> solution grade id -> stub

    @classmethod
    def read(cls, course_root: Path) -> Course:
        notebooks, released = {}, {}
        for name in assignments(course_root):
            notebooks[name], released[name] = {}, {}
            for nb in sorted((course_root / "solutions" / name).glob("*.ipynb")):
                notebooks[name][nb.stem] = frozenset(_cells(json.loads(nb.read_bytes()), "grade_id"))
                release = course_root / "notebooks" / name / nb.name
                released[name][nb.stem] = (_solution_sources(json.loads(release.read_bytes()))
                                           if release.exists() else {})
        return cls(CourseIndex(notebooks), released)


@dataclass
class Collection:
    students: dict[str, dict[str, Item]]
    stage: Path
    general: list[str] = field(default_factory=list)              # about the folder, not a student
    student_notes: dict[str, list[str]] = field(default_factory=dict)  # about a student's hand-in


def _cells(nb: dict, key: str) -> list[str]:
    cells = nb.get("cells", []) if isinstance(nb, dict) else []
    return [c["metadata"]["nbgrader"][key] for c in cells
            if isinstance(c, dict) and isinstance(c.get("metadata", {}).get("nbgrader"), dict)
            and c["metadata"]["nbgrader"].get(key)]


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _solution_sources(nb: dict) -> dict[str, str]:
    return {c["metadata"]["nbgrader"]["grade_id"]: _source(c) for c in nb.get("cells", [])
            if isinstance(c, dict) and c.get("metadata", {}).get("nbgrader", {}).get("solution")
            and c["metadata"]["nbgrader"].get("grade_id")}


def check_notebook(data: bytes) -> str | None:
    """Why ``data`` is not a notebook nbgrader can read, or None."""
    import nbformat

    if len(data) > MAX_NOTEBOOK_BYTES:
        return f"larger than {MAX_NOTEBOOK_BYTES >> 20} MB"
    try:
        nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as err:  # noqa: BLE001 (JSON, Unicode and schema errors alike)
        first_line = str(err).splitlines()[0][:120] if str(err) else ""
        return f"not a valid notebook ({type(err).__name__}: {first_line})"
    return None


def size_limit(name: str) -> int:
    """The largest file of this name that is read: notebooks may be larger until their outputs go."""
    return MAX_HANDIN_NOTEBOOK_BYTES if name.endswith(".ipynb") else MAX_NOTEBOOK_BYTES


def stageable(data: bytes) -> tuple[bytes, str]:
    """``data`` as nbgrader can read it, and a note when that changed more than encoding: without a
    UTF-8 byte order mark (nbformat's JSON reader refuses one), and, when it is larger than
    ``MAX_NOTEBOOK_BYTES``, without the outputs of its code cells (which grading clears anyway).
    Anything that is not a notebook comes back unchanged, for ``check_notebook`` to explain."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    if len(data) <= MAX_NOTEBOOK_BYTES:
        return data, ""
    slim = handin.without_outputs(data)
    if slim is None or len(slim) > MAX_NOTEBOOK_BYTES:
        return data, ""
    return slim, (f"{len(data) >> 20} MB with its outputs: graded without them (grading clears "
                  "every output before it runs the notebook)")


def answered(solutions: dict[str, str], released: dict[str, str]) -> frozenset[str]:
    """Grade ids of the solution cells that differ from the release (or, without a release, that
    no longer raise NotImplementedError)."""
    def norm(text: str) -> str:
        return "\n".join(line.rstrip() for line in text.strip().splitlines())

    done = set()
    for grade_id, source in solutions.items():
        if grade_id in released:
            if norm(source) != norm(released[grade_id]):
                done.add(grade_id)
        elif "raise NotImplementedError" not in source and source.strip() not in ("", "YOUR ANSWER HERE"):
            done.add(grade_id)
    return frozenset(done)


def read_hand_in(path: str, data: bytes, course: Course) -> HandIn:
    """The facts of one notebook file that matching needs."""
    digest = hashlib.sha256(data).hexdigest()
    problem = check_notebook(data)
    if problem:
        return HandIn(path, readable=False, digest=digest, problem=problem)
    nb = json.loads(data)
    grade_ids = frozenset(_cells(nb, "grade_id"))
    target = _best_release(grade_ids, course)
    return HandIn(path, grade_ids=grade_ids, digest=digest,
                  answered=answered(_solution_sources(nb), target))


def _best_release(grade_ids: frozenset[str], course: Course) -> dict[str, str]:
    best, overlap = {}, 0
    for assignment, notebooks in course.released.items():
        for notebook, stubs in notebooks.items():
            shared = len(grade_ids & course.index.notebooks[assignment][notebook])
            if shared > overlap:
                best, overlap = stubs, shared
    return best


def safe_member(name: str) -> bool:
    """Whether a zip member's path stays inside the folder it is staged in. zipfile reads any name
    as it is, so ``91_alpha/../../nbgrader_config.py`` in a student's zip would otherwise be written
    beside the course's own files (and run by the next nbgrader)."""
    parts = name.replace("\\", "/").split("/")
    return not name.startswith(("/", "\\")) and ".." not in parts and ":" not in parts[0]


def _archive_files(entry: Path) -> tuple[list[tuple[str, bytes]], list[str]]:
    files, problems = [], []
    try:
        with zipfile.ZipFile(entry) as archive:
            for info in archive.infolist():
                name = info.filename
                if info.is_dir() or "__MACOSX" in name or ".ipynb_checkpoints" in name:
                    continue
                if not safe_member(name):
                    problems.append(f"ignored {name}: a path that leads out of the hand-in")
                    continue
                if info.file_size > size_limit(name):
                    problems.append(f"ignored {name}: larger than {size_limit(name) >> 20} MB")
                    continue
                files.append((name, archive.read(info)))
    except (zipfile.BadZipFile, OSError) as err:
        problems.append(f"{entry.name} is not a readable zip ({err})")
    return files, problems


def link_refusal(link: Path, depth: int, inside: Path | None, course_root: Path) -> str | None:
    """Why the symbolic link ``link``, met ``depth`` levels into a student's folder whose files
    must stay in ``inside`` (None for the student's folder itself, depth 0), is not followed; None
    when it is.

    unzip restores a student's links, and collecting runs as the instructor, outside the sandbox:
    a followed link would stage the solutions, or any file the instructor can read, where the
    student's code reads it. Instructors link too, to assemble a folder from earlier downloads.
    So a link is followed when it stays in the hand-in, or when it is the instructor's kind: a
    link to a folder of notebooks, as the student's folder or a folder directly in it, that is not
    one of the course's own folders (nor above them)."""
    target = link.resolve()
    if inside is not None and target.is_relative_to(inside):
        return None
    if depth > 1 or not target.is_dir():
        return "a link that leads out of the hand-in"
    course = course_root.resolve()
    if course.is_relative_to(target) or (target.is_relative_to(course)
                                         and not target.is_relative_to(course / "submitted")):
        return "a link into the course's own folders"
    if not any(target.glob("*.ipynb")) and not any(target.glob("*/*.ipynb")):
        return "a link to a folder that holds no notebook"
    return None


def _folder_files(entry: Path, course_root: Path) -> tuple[list[tuple[str, bytes]], list[str]]:
    files, problems = [], []
    seen: set[Path] = set()

    def read(folder: Path, prefix: str, inside: Path, depth: int) -> None:
        if folder.resolve() in seen:  # a link back up the tree
            return
        seen.add(folder.resolve())
        for path in sorted(folder.iterdir()):
            rel = prefix + path.name
            if path.name in (".ipynb_checkpoints", "__MACOSX"):
                continue
            within = inside
            if path.is_symlink():
                why = link_refusal(path, depth, inside, course_root)
                if why is not None:
                    problems.append(f"ignored {rel}: {why}")
                    continue
                if not path.resolve().is_relative_to(inside):
                    within = path.resolve()
            if path.is_dir():
                read(path, rel + "/", within, depth + 1)
            elif path.is_file():
                if path.stat().st_size > size_limit(rel):
                    problems.append(f"ignored {rel}: larger than {size_limit(rel) >> 20} MB")
                    continue
                files.append((rel, path.read_bytes()))

    why = link_refusal(entry, 0, None, course_root) if entry.is_symlink() else None
    if why is not None:
        return [], [f"ignored {entry.name}: {why}"]
    read(entry, "", entry.resolve(), 1)
    return files, problems


def student_files(entry: Path | StudentEntry, course_root: Path
                  ) -> tuple[list[tuple[str, bytes]], list[str]]:
    """(relative path, bytes) of a student's files, from a folder, a zip or the files of a
    platform's download (``StudentEntry``); plus problems. Symbolic links: ``link_refusal``."""
    if isinstance(entry, Path):
        return _archive_files(entry) if entry.suffix == ".zip" else _folder_files(entry, course_root)
    files, problems = [], []
    for path, name in entry.sources:
        if name is None or path.suffix == ".zip":
            more, issues = student_files(path, course_root)
        elif path.stat().st_size > size_limit(name):
            more, issues = [], [f"ignored {path.name}: larger than {size_limit(name) >> 20} MB"]
        else:
            more, issues = [(name, path.read_bytes())], []
        taken = {rel for rel, _ in files}
        files += [(rel if rel not in taken else f"{path.name}/{rel}", data) for rel, data in more]
        problems += issues
    return files, problems


def stage_dir(source: Path, course_root: Path) -> Path:
    """Where the chosen notebooks are put for nbgrader (see the module's docstring)."""
    submitted = (course_root / "submitted").resolve()
    source = source.resolve()
    if source == submitted or submitted in source.parents or source in submitted.parents:
        return course_root / "autograde_work" / "submitted"
    return course_root / "submitted"


@dataclass
class StudentEntry:
    """A student's hand-in when it is several entries of the source folder (a platform's download):
    each a folder or zip (name None), or one file and the name the student gave it."""

    sources: list[tuple[Path, str | None]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def student_entries(source: Path, selected: Callable[[str], bool] = lambda s: True
                    ) -> tuple[dict[str, Path | StudentEntry], list[str]]:
    """{student id: folder, zip or ``StudentEntry``} in ``source``, and notes on what is not a
    student. Entries named by Canvas or Moodle (tools/grading/lms.py) are grouped by student."""
    entries: dict[str, Path | StudentEntry] = {}
    general = []
    for entry in sorted(source.iterdir()):
        if entry.name.startswith("."):
            general.append(f"ignored {entry.name}: a hidden file")
            continue
        platform = lms.parse(entry.name, entry.is_dir())
        if platform is not None:
            student = platform.student
        elif entry.is_dir() or entry.suffix == ".zip":
            student = entry.stem if entry.suffix == ".zip" else entry.name
        else:
            general.append(f"ignored {entry.name}: not a student folder or zip, nor a file of a Canvas or "
                           "Moodle download")
            continue
        if not STUDENT_ID.fullmatch(student) or student.startswith(RESERVED_PREFIX):
            general.append(f"ignored {entry.name}: a student id may only hold letters, digits and _.@+-, "
                           f"and not start with {RESERVED_PREFIX}")
            continue
        if not selected(student):
            continue
        if platform is None and student not in entries:
            entries[student] = entry
            continue
        grouped = entries.setdefault(student, StudentEntry())
        if isinstance(grouped, Path):
            grouped = entries[student] = StudentEntry([(grouped, None)])
        grouped.sources.append((entry, platform.file or None if platform else None))
        if platform is not None:
            notes = [platform.describe()]
            if platform.late:
                notes.append(f"{platform.file} was handed in late ({platform.platform} marked it LATE)")
            grouped.notes += [note for note in notes if note not in grouped.notes]
    return entries, general


def collect(source: Path, course_root: Path, only: list[str] | None = None,
            selected: Callable[[str], bool] = lambda s: True, stage: bool = True) -> Collection:
    """Stage every (``selected``) student's notebooks; return what was found for each assignment.
    ``stage=False`` only looks: nothing is written."""
    course = Course.read(course_root)
    entries, general = student_entries(source, selected)
    writing, stage = stage, stage_dir(source, course_root)
    found: dict[str, tuple] = {}
    for student, entry in entries.items():
        files, problems = student_files(entry, course_root)
        notebooks, extra, timestamps, other, slimmed = [], [], {}, {}, {}
        for rel, data in files:
            parts = rel.split("/")
            hint = next((p for p in reversed(parts[:-1]) if p in course.index.notebooks), None)
            if parts[-1] == "timestamp.txt" and hint:
                timestamps[hint] = data
            elif parts[-1].endswith(".ipynb"):
                data, slimmed[rel] = stageable(data)
                notebooks.append((rel, data))
            else:
                extra.append(rel)
                other[rel] = data
        hand_ins = [read_hand_in(rel, data, course) for rel, data in notebooks]
        matching = match_notebooks(hand_ins, course.index, extra)
        if isinstance(entry, StudentEntry):
            problems = entry.notes + problems
        found[student] = (matching, {**other, **dict(notebooks)}, timestamps, problems, slimmed)

    wanted = list(only) if only else sorted({a for (m, *_) in found.values() for (a, _) in m.graded})
    students: dict[str, dict[str, Item]] = {}
    student_notes: dict[str, list[str]] = {}
    for student, (matching, data_of, timestamps, problems, slimmed) in found.items():
        if writing:
            shutil.rmtree(stage / student, ignore_errors=True)
        items = students[student] = {}
        student_notes[student] = problems + matching.general
        for assignment in wanted:
            item = items[assignment] = Item(student, assignment)
            item.notes.extend(matching.notes.get(assignment, []))
            item.review.extend(matching.review.get(assignment, []))
            folder = stage / student / assignment
            present, unreadable = [], False
            for notebook in course.index.notebooks.get(assignment, {}):
                hand_in = matching.graded.get((assignment, notebook))
                if hand_in is None:
                    item.notes.append(f"{notebook}.ipynb is missing: 0 points for it")
                    continue
                if matching.renamed.get((assignment, notebook)):
                    item.notes.append(f"graded {hand_in.path} as {notebook}.ipynb (renamed)")
                if slimmed.get(hand_in.path):
                    item.notes.append(f"{hand_in.path} is {slimmed[hand_in.path]}")
                if not hand_in.readable:
                    unreadable = True
                    item.notes.append(f"{hand_in.path} is {hand_in.problem}: 0 points for it")
                    continue
                if writing:
                    folder.mkdir(parents=True, exist_ok=True)
                    (folder / f"{notebook}.ipynb").write_bytes(data_of[hand_in.path])
                present.append(notebook)
            if present and writing:
                for name, path in matching.files.get(assignment, {}).items():
                    if name.endswith(".ipynb") or name in present or name == "timestamp.txt":
                        continue
                    target = folder / name
                    if not target.resolve().is_relative_to(folder.resolve()):
                        item.notes.append(f"ignored {path}: a path that leads out of the hand-in")
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data_of[path])
            if not present:
                item.status = Status.INVALID if unreadable else Status.MISSING
            elif assignment in timestamps and writing:
                (folder / "timestamp.txt").write_bytes(timestamps[assignment])
    return Collection(students, stage, general, student_notes)
