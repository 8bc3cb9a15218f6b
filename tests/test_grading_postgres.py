"""The PostgreSQL gradebook (nbgrader's ``db_url``) against a real server: parallel graders, and
a class graded in two shards at once.

.ci/install-postgres.sh installs Debian's PostgreSQL, starts it and creates the role ``nbgrader``.
The tests create throwaway databases and release the mini course into them. A class of five is
graded once in parallel (``--db-url``): every score landed once, in PostgreSQL and not in SQLite.
Then the same class is graded again as two shards (``--shard 1/2`` and ``--shard 2/2``, two
processes at once, into one other database) and merged: the class's files and the gradebook equal
the unsharded run's. Skipped, with the reason, when the driver (psycopg 3) or the
server is missing.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import uuid

import pytest

from tests.grading_fixtures.bad_submissions import nb_bytes, write
from tests.grading_fixtures.minicourse import CORRECT, make_course, student_notebook
from tools.autograde import autograde
from tools.course import nbgrader_env
from tools.grading.schedule import Shard
from tools.sandbox import sandbox_problem

pytestmark = [pytest.mark.slow, pytest.mark.many_gradings]
SERVER_URL = os.environ.get("CS_TEST_POSTGRES_URL", "postgresql://nbgrader:nbgrader@localhost/nbgrader_test")


@pytest.fixture(scope="module")
def new_database():
    """A function that creates a throwaway database on the server and returns its URL."""
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
    names = []

    def create() -> str:
        name = "gradebook_" + uuid.uuid4().hex[:10]
        with admin.connect() as conn:
            conn.execute(sqlalchemy.text(f"create database {name}"))
        names.append(name)
        return SERVER_URL.rsplit("/", 1)[0] + "/" + name

    yield create
    with admin.connect() as conn:
        for name in names:
            conn.execute(sqlalchemy.text(f"drop database if exists {name} with (force)"))
    admin.dispose()


CLASS = {  # 91_alpha answers: scores 3, 3, 0, 1 (the visible test only), 0
    "ann": CORRECT["91_alpha"],
    "bob": "def add(a, b):\n    return a + b",
    "cat": "def add(a, b):\n    return a * b",
    "dan": "def add(a, b):\n    return 3 if (a, b) == (1, 2) else 0",
    "eve": "def add(a, b):\n    return a - b",
}
UNCONFINED = sandbox_problem() is not None


def released_course(path, url, monkeypatch):
    monkeypatch.setenv("CS_GRADEBOOK_URL", url)  # generate_assignment writes there too
    course = make_course(path)
    monkeypatch.delenv("CS_GRADEBOOK_URL")
    return course


@pytest.fixture(scope="module")
def unsharded(tmp_path_factory, new_database):
    """The class graded in one run, in parallel, into PostgreSQL: (course, url, rows, submissions)."""
    monkeypatch = pytest.MonkeyPatch()
    base = tmp_path_factory.mktemp("postgres")
    url = new_database()
    course = released_course(base / "course", url, monkeypatch)
    for student, answer in CLASS.items():
        write(base / "in", f"{student}/91_alpha/91_alpha.ipynb",
              nb_bytes(student_notebook(course, "91_alpha", answer)))
    # No canary here or in the shards: it has its tests (test_grading_canary.py, the robustness run).
    rows = autograde(base / "in", course, jobs=2, timeout=300, db_url=url, unconfined=UNCONFINED,
                     canary=False)
    yield course, url, rows, base / "in"
    monkeypatch.undo()


def test_parallel_grading_into_postgres(unsharded):
    course, postgres_url, rows, _ = unsharded
    assert {r["student"]: r["score"] for r in rows} == {"ann": 3.0, "bob": 3.0, "cat": 0.0, "dan": 1.0,
                                                        "eve": 0.0}
    assert not (course / "gradebook.db").exists(), "grades went to SQLite, not PostgreSQL"
    from nbgrader.api import Gradebook

    with Gradebook(postgres_url) as gb:
        submissions = gb.find_assignment("91_alpha").submissions
        assert sorted(s.student_id for s in submissions) == sorted(CLASS)
        assert gb.find_submission("91_alpha", "ann").score == 3.0
        assert gb.find_submission("91_alpha", "cat").score == 0.0


def _scores(url: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(url) as gb:
        return {s.student_id: s.score for s in gb.find_assignment("91_alpha").submissions}


def _rows(path):
    with open(path) as fh:
        return list(csv.DictReader(fh))


def test_two_shards_at_once_equal_an_unsharded_run(tmp_path, monkeypatch, new_database, unsharded):
    """``--shard 1/2`` and ``--shard 2/2`` at once, two processes into one database (as two machines
    would), then ``--merge``: the class's files and the gradebook equal the unsharded run's."""
    whole_course, whole_url, _, submissions = unsharded
    shards = [Shard.parse("1/2"), Shard.parse("2/2")]
    assert all(any(s.holds(name) for name in CLASS) for s in shards), "both shards have students"
    url = new_database()
    course = released_course(tmp_path / "course", url, monkeypatch)
    command = [sys.executable, "-m", "tools.autograde", str(submissions), "--course", str(course),
               "--jobs", "1", "--db-url", url, "--no-canary", *(["--unconfined"] if UNCONFINED else [])]
    runs = [subprocess.Popen([*command, "--shard", str(shard)], env=nbgrader_env(), text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for shard in shards]
    for run in runs:  # both at once, into one gradebook
        out, _ = run.communicate(timeout=900)
        assert run.returncode == 0, out
    parts = [course / f"autograde.{shard.tag}_results.json" for shard in shards]
    merged = subprocess.run([sys.executable, "-m", "tools.autograde", "--merge", *map(str, parts),
                             "--out", str(course / "autograde.csv")], env=nbgrader_env(), text=True,
                            capture_output=True)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert _rows(course / "autograde.csv") == _rows(whole_course / "autograde.csv")
    assert _rows(course / "autograde_lms.csv") == _rows(whole_course / "autograde_lms.csv")
    assert _scores(url) == _scores(whole_url), "the shared gradebook holds the same grades"
    assert not (course / "gradebook.db").exists()
