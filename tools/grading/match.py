"""Which handed-in notebook is graded as which of the course's notebooks: a pure function.

``match_notebooks(files, course)`` takes what was found in one student's hand-in (``HandIn``: a
path, and facts read from the file) and the course (``CourseIndex``), and decides, with no I/O:

1. **what each file is.** By name first: exactly a course notebook's name (in a folder named
   after its assignment, or anywhere), else by its nbgrader cells (at least half of one notebook's
   grade ids), else by its name without copy suffixes (``-Copy1``, `` (1)``, ``_v2``,
   ``_final``, Canvas's ``-1``) and Colab's prefix ``Copy of``, else, in a folder named after a
   one-notebook assignment, as that notebook. A file named like one notebook but holding only another's cells
   is that other notebook.
2. **which of several candidates is graded.** A readable notebook before an unreadable one, then
   the one with the most answered exercises (solution cells that differ from the release), then
   the exact name before a renamed copy, then the path. So an untouched copy never wins over an
   answered one, whatever the names.
3. **what needs a person.** Two candidates that both hold answers, and differ, are flagged for
   review under their assignment; identical copies are not.
4. **what travels with a notebook.** A file that is not a notebook (a saved model, say) goes with
   the assignment whose folder holds it (``<assignment>/...``), else with every assignment whose
   graded notebook sits in the same folder, as nbgrader copies an assignment folder whole. Any
   other file is noted as ignored.

Every note names the file as it was handed in, under the assignment it concerns; files that match
no assignment are noted for the student as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# Jupyter's "-Copy1", a browser's " (1)", "_v2", "_final", and Canvas's "-1" on a resubmitted file.
COPY_SUFFIX = re.compile(r"(_?\(\d+\)|[-_]copy\d*|[-_]v\d+|[-_]final|[-_]submitted?|-\d+)+$")
# Colab names a notebook saved to Drive "Copy of <name>", and downloads it under that name.
COPY_PREFIX = re.compile(r"^(copy_of_)+")


def normalise(stem: str) -> str:
    """A notebook name without case, spaces, copy suffixes and Colab's copy prefix:
    ``01_Convolution-Copy1 (2)`` and ``Copy of 01_convolution`` -> ``01_convolution``."""
    return COPY_SUFFIX.sub("", COPY_PREFIX.sub("", stem.strip().lower().replace(" ", "_")))


@dataclass(frozen=True)
class HandIn:
    """One notebook file of a student's hand-in, as facts read from it."""

    path: str                                # as handed in, e.g. "alice/07_dropout-Copy1.ipynb"
    readable: bool = True                    # a notebook nbgrader can read
    grade_ids: frozenset[str] = frozenset()  # grade ids of its nbgrader cells
    answered: frozenset[str] = frozenset()   # grade ids of solution cells that differ from the release
    digest: str = ""                         # of the contents: identical copies are not ambiguous
    problem: str = ""                        # why it is not readable

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def stem(self) -> str:
        return self.name[:-len(".ipynb")] if self.name.endswith(".ipynb") else self.name

    @property
    def folders(self) -> list[str]:
        return self.path.split("/")[:-1]


@dataclass(frozen=True)
class CourseIndex:
    """The course's notebooks: {assignment: {notebook: grade ids}}."""

    notebooks: dict[str, dict[str, frozenset[str]]]

    def assignment_of(self, notebook: str) -> str | None:
        return next((a for a, nbs in self.notebooks.items() if notebook in nbs), None)


@dataclass
class Matching:
    """The outcome for one student."""

    graded: dict[tuple[str, str], HandIn] = field(default_factory=dict)  # (assignment, notebook) -> file
    renamed: dict[tuple[str, str], bool] = field(default_factory=dict)   # graded under another name
    notes: dict[str, list[str]] = field(default_factory=dict)            # assignment -> notes
    general: list[str] = field(default_factory=list)                     # notes for no one assignment
    review: dict[str, list[str]] = field(default_factory=dict)           # assignment -> reasons
    files: dict[str, dict[str, str]] = field(default_factory=dict)       # assignment -> {name in its
    #                                                                       folder: path as handed in}

    def note(self, assignment: str, text: str) -> None:
        self.notes.setdefault(assignment, []).append(text)


def identify(hand_in: HandIn, course: CourseIndex) -> tuple[tuple[str, str] | None, bool]:
    """((assignment, notebook), exact name?) of one file, or (None, False)."""
    known = course.notebooks
    hint = next((f for f in reversed(hand_in.folders) if f in known), None)
    stem = hand_in.stem
    by_ids = _by_grade_ids(hand_in, course)
    by_name = None
    if hint and stem in known[hint]:
        by_name = (hint, stem)
    elif course.assignment_of(stem) and (hint is None or course.assignment_of(stem) == hint):
        by_name = (course.assignment_of(stem), stem)
    if by_name:
        if by_ids and by_ids != by_name and not (hand_in.grade_ids & known[by_name[0]][by_name[1]]):
            return by_ids, False  # named like one notebook, holding another's cells
        return by_name, True
    if by_ids:
        return by_ids, False
    norm = normalise(stem)
    for assignment, notebooks in known.items():
        for notebook in notebooks:
            if normalise(notebook) == norm and (hint is None or hint == assignment):
                return (assignment, notebook), False
    if hint and len(known[hint]) == 1:
        return (hint, next(iter(known[hint]))), False
    return None, False


def _by_grade_ids(hand_in: HandIn, course: CourseIndex) -> tuple[str, str] | None:
    scored = [(len(hand_in.grade_ids & ids) / max(1, len(ids)), a, nb)
              for a, nbs in course.notebooks.items() for nb, ids in nbs.items() if hand_in.grade_ids & ids]
    if scored and max(scored)[0] >= 0.5:
        _, a, nb = max(scored)
        return a, nb
    return None


def _preference(hand_in: HandIn, exact: bool) -> tuple:
    """Sort key: the candidate to grade comes first."""
    return (not hand_in.readable, -len(hand_in.answered), not exact, hand_in.path)


def match_notebooks(files: Iterable[HandIn], course: CourseIndex, extra: Iterable[str] = ()) -> Matching:
    """Decide what of one student's hand-in is graded (see the module's docstring).

    ``extra`` are the paths of files that are not notebooks (step 4)."""
    result = Matching()
    candidates: dict[tuple[str, str], list[tuple[HandIn, bool]]] = {}
    for hand_in in files:
        target, exact = identify(hand_in, course)
        if target is None:
            result.general.append(f"ignored notebook {hand_in.path}: it matches no assignment of the course")
            continue
        candidates.setdefault(target, []).append((hand_in, exact))
    for (assignment, notebook), found in sorted(candidates.items()):
        found.sort(key=lambda pair: _preference(*pair))
        chosen, exact = found[0]
        result.graded[(assignment, notebook)] = chosen
        result.renamed[(assignment, notebook)] = not exact
        for other, _ in found[1:]:
            if other.digest and other.digest == chosen.digest:
                why = "the same notebook again"
            elif not other.readable:
                why = "it is not a readable notebook"
            elif len(other.answered) < len(chosen.answered):
                why = (f"{chosen.path} has more answers ({len(chosen.answered)} exercises, "
                       f"against {len(other.answered)})")
            else:
                why = f"{chosen.path} has as many answers and is preferred by its name"
            result.note(assignment, f"ignored {other.path} as {notebook}.ipynb: {why}")
        answered_variants = {h.digest or h.path: h for h, _ in found if h.readable and h.answered}
        if len(answered_variants) > 1:
            names = ", ".join(h.path for h in answered_variants.values())
            result.review.setdefault(assignment, []).append(
                f"{notebook}.ipynb was handed in more than once with different answers ({names}); "
                f"graded {chosen.path}")
    for path in extra:
        _attach(result, path, course)
    return result


def _attach(result: Matching, path: str, course: CourseIndex) -> None:
    """Step 4 for one file that is not a notebook."""
    folders = path.split("/")[:-1]
    hint = next((i for i in range(len(folders) - 1, -1, -1) if folders[i] in course.notebooks), None)
    graded = {a for a, _ in result.graded}
    if hint is not None:
        owners = {folders[hint]: "/".join(path.split("/")[hint + 1:])} if folders[hint] in graded else {}
    else:
        folder = "/".join(folders)
        owners = {a: path.rsplit("/", 1)[-1] for (a, _), h in result.graded.items()
                  if "/".join(h.folders) == folder}
        if owners:
            result.general.append(f"{path} goes with the notebooks of its folder: "
                                  f"{', '.join(sorted(owners))}")
    if not owners:
        text = f"ignored extra file {path}"
        result.note(folders[hint], text) if hint is not None else result.general.append(text)
    for assignment, name in owners.items():
        result.files.setdefault(assignment, {})[name] = path
