"""SQLite gradebook under concurrent writers, as parallel grading workers use it.

Each worker process writes its students' submissions and scores through nbgrader's Gradebook API at
the same time as the others. With the course's ``db_url`` (``?timeout=60``: wait for the write
lock) every write lands exactly once; nothing is lost to "database is locked".
"""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

from tools.autograde import gradebook_url

WORKERS, STUDENTS_EACH = 3, 4


def _grade(url: str, worker: int) -> str:
    from nbgrader.api import Gradebook

    try:
        for i in range(STUDENTS_EACH):
            student = f"w{worker}s{i}"
            with Gradebook(url) as gb:
                gb.update_or_create_student(student)
                submission = gb.add_submission("a1", student)
                for grade in submission.notebooks[0].grades:
                    grade.auto_score = 1.0
                gb.db.commit()
    except Exception as err:  # noqa: BLE001 (reported to the test)
        return f"{type(err).__name__}: {err}"
    return "ok"


def test_parallel_writers_lose_nothing(tmp_path: Path):
    from nbgrader.api import Gradebook, GradeCell, Notebook

    url = gradebook_url(tmp_path)
    with Gradebook(url) as gb:
        assignment = gb.add_assignment("a1")
        notebook = Notebook(name="nb", assignment=assignment)
        gb.db.add(notebook)
        gb.db.add(GradeCell(name="t1", notebook=notebook, max_score=1, cell_type="code"))
        gb.db.commit()
    with mp.get_context("spawn").Pool(WORKERS) as pool:
        results = pool.starmap(_grade, [(url, w) for w in range(WORKERS)])
    assert results == ["ok"] * WORKERS, results
    with Gradebook(url) as gb:
        submissions = gb.find_assignment("a1").submissions
        assert len(submissions) == WORKERS * STUDENTS_EACH
        assert len({s.student_id for s in submissions}) == WORKERS * STUDENTS_EACH
        assert all(s.score == 1.0 for s in submissions)
