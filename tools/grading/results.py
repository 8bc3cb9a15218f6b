"""Results: the gradebook made consistent, then the class's files.

For ``--out OUT.csv`` (default ``COURSE/autograde.csv``; not nbgrader's ``grades.csv``, which
``nbgrader export`` writes):

* ``OUT.csv``: one row per student, assignment and notebook: ``student, assignment, notebook,
  score, max_score, status``;
* ``OUT_lms.csv``: one row per student: ``student_id``, one column per assignment (its points),
  ``total``; what Canvas or Moodle import (docs/grading.md);
* ``OUT_report.md``: per student and assignment, the score and what happened, in words;
* ``OUT_results.json``: the same as data (statuses, notes, events, review flags, rows), which
  ``merge`` combines from the shards of one class.

Every file is written atomically (a temporary file, then a rename).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from tools.grading.records import Item, Status

ROW_FIELDS = ["student", "assignment", "notebook", "score", "max_score", "status"]


def output_paths(out: Path) -> dict[str, Path]:
    base = out.with_suffix("")
    return {"csv": out, "lms": Path(f"{base}_lms.csv"), "report": Path(f"{base}_report.md"),
            "results": Path(f"{base}_results.json")}


def finish_gradebook(db_url: str, course: Path, students: dict[str, dict[str, Item]]) -> None:
    """Zero the automatic scores of everything not graded in this run, so no stale score survives."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gb:
        for items in students.values():
            for item in items.values():
                if item.status == Status.OK:
                    continue
                shutil.rmtree(course / "autograded" / item.student / item.assignment, ignore_errors=True)
                shutil.rmtree(course / "feedback" / item.student / item.assignment, ignore_errors=True)
                try:
                    submission = gb.find_submission(item.assignment, item.student)
                except MissingEntry:
                    continue
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        grade.auto_score = 0
                        grade.needs_manual_grade = False
                gb.db.commit()


def gradebook_rows(db_url: str, course: Path, students: dict[str, dict[str, Item]]) -> list[dict]:
    """One row per student, assignment and notebook, scores from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    rows = []
    with Gradebook(db_url) as gb:
        for student in sorted(students):
            for assignment, item in sorted(students[student].items()):
                for nb_path in sorted((course / "solutions" / assignment).glob("*.ipynb")):
                    row = {"student": student, "assignment": assignment, "notebook": nb_path.stem,
                           "score": 0.0, "max_score": 0.0, "status": str(item.status)}
                    try:
                        row["max_score"] = gb.find_notebook(nb_path.stem, assignment).max_score
                        if item.status == Status.OK:
                            row["score"] = gb.find_submission_notebook(
                                nb_path.stem, assignment, student).score
                    except MissingEntry:
                        if item.status == Status.OK:
                            row["status"] = str(Status.MISSING)
                    rows.append(row)
    return rows


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _csv_text(fieldnames: list[str], rows: Iterable[dict]) -> str:
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def lms_table(rows: list[dict]) -> tuple[list[str], list[dict]]:
    """(header, one row per student): ``student_id``, each assignment's points, ``total``."""
    assignments = sorted({r["assignment"] for r in rows})
    table: dict[str, dict] = {}
    for r in rows:
        entry = table.setdefault(r["student"],
                                 {"student_id": r["student"], **dict.fromkeys(assignments, 0.0)})
        entry[r["assignment"]] += float(r["score"])
    for entry in table.values():
        entry["total"] = sum(entry[a] for a in assignments)
        for key in [*assignments, "total"]:
            entry[key] = f"{entry[key]:g}"
    return ["student_id", *assignments, "total"], [table[s] for s in sorted(table)]


def max_points(rows: list[dict]) -> dict[str, float]:
    points: dict[str, dict[str, float]] = {}
    for r in rows:
        points.setdefault(r["assignment"], {})[r["notebook"]] = float(r["max_score"])
    return {a: sum(nbs.values()) for a, nbs in sorted(points.items())}


def report_text(students: dict[str, dict[str, Item]], rows: list[dict], header: str,
                student_notes: dict[str, list[str]] | None = None) -> str:
    scores: dict[tuple[str, str], tuple[float, float]] = {}
    for r in rows:
        got, top = scores.get((r["student"], r["assignment"]), (0.0, 0.0))
        scores[(r["student"], r["assignment"])] = (got + float(r["score"]), top + float(r["max_score"]))
    lines = ["# Autograding report", "", header, ""]
    review = [(s, a, why) for s in sorted(students)
              for a, item in sorted(students[s].items()) for why in item.review]
    if review:
        lines += ["## Needs review", ""] + [f"- {s}, {a}: {why}" for s, a, why in review] + [""]
    for student in sorted(students):
        lines.append(f"## {student}")
        lines.extend(f"- {note}" for note in (student_notes or {}).get(student, []))
        for assignment, item in sorted(students[student].items()):
            got, top = scores.get((student, assignment), (0.0, 0.0))
            lines.append(f"- {assignment}: {got:g} / {top:g} ({item.status})")
            lines.extend(f"  - {note}" for note in item.notes)
            lines.extend(f"  - {event.describe()}" for event in item.events)
            lines.extend(f"  - needs review: {why}" for why in item.review)
        lines.append("")
    return "\n".join(lines)


def write_outputs(out: Path, students: dict[str, dict[str, Item]], rows: list[dict], header: str,
                  student_notes: dict[str, list[str]] | None = None, all_assignments: bool = False
                  ) -> dict[str, Path]:
    """Write the class's four files (see the module's docstring); return their paths.

    ``all_assignments``: the rows cover every assignment of the course whether anyone handed it in
    or not (a shard's), so that ``merge`` may drop those that nobody in the class handed in."""
    paths = output_paths(out)
    _atomic_write(paths["csv"], _csv_text(ROW_FIELDS, rows))
    fields, table = lms_table(rows)
    _atomic_write(paths["lms"], _csv_text(fields, table))
    _atomic_write(paths["report"], report_text(students, rows, header, student_notes))
    data = {"header": header, "rows": rows, "max_points": max_points(rows),
            "all_assignments": all_assignments,
            "students": {s: [item.to_dict() for _, item in sorted(items.items())]
                         for s, items in sorted(students.items())},
            "student_notes": {s: notes for s, notes in sorted((student_notes or {}).items()) if notes}}
    _atomic_write(paths["results"], json.dumps(data, indent=1))
    return paths


def read_results(path: Path) -> dict:
    """A ``*_results.json``, with its items as ``Item``s."""
    data = json.loads(Path(path).read_text())
    data["students"] = {s: {d["assignment"]: Item.from_dict(d) for d in items}
                        for s, items in data["students"].items()}
    return data


def merge(parts: list[Path], out: Path) -> dict[str, Path]:
    """Combine the results of a class's shards (their ``*_results.json``) into the class's files.

    Each student must come from exactly one part. A shard reports every assignment of the course
    (it cannot know what the other shards' students handed in); the assignments that nobody in
    the class handed in are dropped here, as a run over the whole class would not report them."""
    students: dict[str, dict[str, Item]] = {}
    rows, notes, headers, every = [], {}, [], True
    for part in parts:
        data = read_results(part)
        twice = set(students) & set(data["students"])
        if twice:
            raise ValueError(f"{part}: students graded in two shards: {', '.join(sorted(twice))}")
        students.update(data["students"])
        rows += data["rows"]
        notes.update(data.get("student_notes", {}))
        headers.append(f"{part.name}: {data.get('header', '')}")
        every = every and data.get("all_assignments", False)
    if every:
        handed_in = {r["assignment"] for r in rows if r["status"] != str(Status.MISSING)}
        rows = [r for r in rows if r["assignment"] in handed_in]
        for items in students.values():
            for assignment in [a for a in items if a not in handed_in]:
                del items[assignment]
    rows.sort(key=lambda r: (r["student"], r["assignment"], r["notebook"]))
    header = f"Merged from {len(parts)} part(s):\n\n" + "\n".join(f"- {h}" for h in headers)
    return write_outputs(out, students, rows, header, notes)
