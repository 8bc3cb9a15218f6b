"""The PostgreSQL gradebook (nbgrader's ``db_url``) against a real server, with parallel graders.

.ci/install-postgres.sh installs Debian's PostgreSQL, starts it and creates the role ``nbgrader``.
The test creates a throwaway database, releases the mini course into it, grades three students in
parallel (``--db-url``), and checks every score landed once, in PostgreSQL and not in SQLite.
Skipped, with the reason, when the driver (psycopg 3) or the server is missing.
"""

from __future__ import annotations

import os
import uuid

import pytest

from tests.grading_fixtures.bad_submissions import nb_bytes, write
from tests.grading_fixtures.minicourse import CORRECT, make_course, student_notebook
from tools.autograde import autograde
from tools.sandbox import sandbox_problem

pytestmark = pytest.mark.slow
SERVER_URL = os.environ.get("CS_TEST_POSTGRES_URL", "postgresql://nbgrader:nbgrader@localhost/nbgrader_test")


@pytest.fixture
def postgres_url():
    try:
        import psycopg  # noqa: F401 (SQLAlchemy 2.1's default PostgreSQL driver)
    except ImportError:
        pytest.skip("psycopg (3) is not installed: pip install \"psycopg[binary]\"")
    import sqlalchemy

    try:
        admin = sqlalchemy.create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sqlalchemy.text("select 1"))
    except Exception as err:  # noqa: BLE001
        pytest.skip(f"PostgreSQL is not reachable at {SERVER_URL} (run .ci/install-postgres.sh): "
                    f"{str(err).splitlines()[0]}")
    name = "gradebook_" + uuid.uuid4().hex[:10]
    with admin.connect() as conn:
        conn.execute(sqlalchemy.text(f"create database {name}"))
    yield SERVER_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(sqlalchemy.text(f"drop database if exists {name} with (force)"))
    admin.dispose()


def test_parallel_grading_into_postgres(tmp_path, monkeypatch, postgres_url):
    monkeypatch.setenv("CS_GRADEBOOK_URL", postgres_url)  # generate_assignment writes there too
    course = make_course(tmp_path / "course")
    answers = {"ann": CORRECT["91_alpha"], "bob": CORRECT["91_alpha"],
               "cat": "def add(a, b):\n    return a * b"}
    for student, answer in answers.items():
        write(tmp_path / "in", f"{student}/91_alpha/91_alpha.ipynb",
              nb_bytes(student_notebook(course, "91_alpha", answer)))
    rows = autograde(tmp_path / "in", course, jobs=2, timeout=300, db_url=postgres_url,
                     unconfined=sandbox_problem() is not None)
    assert {r["student"]: r["score"] for r in rows} == {"ann": 3.0, "bob": 3.0, "cat": 0.0}
    assert not (course / "gradebook.db").exists(), "grades went to SQLite, not PostgreSQL"
    from nbgrader.api import Gradebook

    with Gradebook(postgres_url) as gb:
        submissions = gb.find_assignment("91_alpha").submissions
        assert sorted(s.student_id for s in submissions) == ["ann", "bob", "cat"]
        assert gb.find_submission("91_alpha", "ann").score == 3.0
        assert gb.find_submission("91_alpha", "cat").score == 0.0
