"""How tools/autograde.py plans its work: worker processes, time limits, slots and the sandbox refusal.

No grading runs here, so these tests belong to `make check`.
"""

from __future__ import annotations

import time

import pytest

from tools.autograde import Deadlines, Item, autograde, main, plan_tasks
from tools.grading.records import Status
from tools.grading.schedule import GradingTimes

COURSE = [f"{k:02d}_nb" for k in range(1, 13)]


def submissions(students: int, assignments=COURSE) -> dict:
    return {f"s{i}": {a: Item(student=f"s{i}", assignment=a) for a in assignments} for i in range(students)}


def covered(tasks) -> list[tuple[str, str]]:
    return sorted((t.student, a) for t in tasks for a in t.assignments)


def test_one_student_is_split_over_every_job():
    students = submissions(1)
    tasks = plan_tasks(students, jobs=2)
    assert len(tasks) >= 2, tasks
    assert covered(tasks) == [("s0", a) for a in COURSE], "every assignment graded exactly once"
    sizes = [len(t.assignments) for t in tasks]
    assert max(sizes) - min(sizes) <= 1, f"even shares: {sizes}"
    assert len({t.part for t in tasks}) == len(tasks), "each part needs its own spec and result files"


def test_enough_students_keep_one_process_each():
    students = submissions(5)
    tasks = plan_tasks(students, jobs=2)
    assert [t.student for t in tasks] == sorted(students)
    assert covered(tasks) == sorted((s, a) for s in students for a in COURSE)


def test_a_whole_course_among_single_notebooks_does_not_keep_one_job_waiting():
    """Two students hand in 12 notebooks, eight others one each (the course's own tests grade so):
    no task holds more than a quarter of what two jobs share, and the big tasks start first."""
    students = {**submissions(2), **{f"t{i}": {"01_nb": Item(student=f"t{i}", assignment="01_nb")}
                                      for i in range(8)}}
    tasks = plan_tasks(students, jobs=2)
    sizes = [len(t.assignments) for t in tasks]
    assert max(sizes) <= 8 and sizes == sorted(sizes, reverse=True), sizes
    assert covered(tasks) == sorted((s, a) for s, items in students.items() for a in items)


def test_small_submissions_and_finished_items():
    students = submissions(1, ["01_nb"])
    assert [t.assignments for t in plan_tasks(students, jobs=4)] == [["01_nb"]], "no empty tasks"
    students["s0"]["01_nb"].status = "missing"
    assert plan_tasks(students, jobs=4) == [], "only pending assignments are graded"


def test_measured_grading_times_split_a_student_evenly_and_start_the_longest():
    """With the times of an earlier run, one student's twelve notebooks on two jobs: the shares are
    about equal in time (not only in count), and the longest task starts first."""
    times = {a: 7.0 for a in COURSE} | {"08_nb": 13.0, "11_nb": 11.0, "10_nb": 10.0, "12_nb": 10.0}
    tasks = plan_tasks(submissions(1), jobs=2, seconds=times)
    assert covered(tasks) == [("s0", a) for a in COURSE], "every assignment graded exactly once"
    totals = [sum(times[a] for a in t.assignments) for t in tasks]
    assert max(totals) - min(totals) <= 7.0, f"shares in seconds: {totals}"
    assert totals == sorted(totals, reverse=True), "the longest task starts first"
    heavy = [t.part for t in tasks for a in t.assignments if a in ("08_nb", "11_nb", "10_nb", "12_nb")]
    assert len(set(heavy)) == 4, "the four long notebooks go to four different tasks"
    # Alphabetically, without times, 04, 08 and 12 share one task: the plan the times replace.
    assert ["04_nb", "08_nb", "12_nb"] in [sorted(t.assignments) for t in plan_tasks(submissions(1), 2)]


def test_an_assignment_never_measured_counts_as_the_median():
    students = submissions(1, ["01_nb", "02_nb", "03_nb", "04_nb"])
    tasks = plan_tasks(students, jobs=2, seconds={"01_nb": 30.0, "02_nb": 2.0, "03_nb": 4.0})
    assert tasks[0].assignments[0] == "01_nb", tasks
    assert covered(tasks) == [("s0", a) for a in sorted(students["s0"])]


def test_grading_times_are_remembered_per_assignment(tmp_path):
    times = GradingTimes(tmp_path)
    assert times.read() == {}, "nothing measured yet"

    def graded(student, assignment, seconds, status=Status.OK):
        return Item(student=student, assignment=assignment, status=status, seconds=seconds)

    times.update([graded("a", "01_nb", 8.0), graded("b", "01_nb", 9.0), graded("c", "01_nb", 300.0),
                  graded("a", "02_nb", 5.0), graded("d", "02_nb", 90.0, Status.TIMEOUT),
                  graded("a", "03_nb", None)])
    assert times.read() == {"01_nb": 9.0, "02_nb": 5.0}, "the median of the graded ones; no time, no entry"
    times.update([graded("a", "02_nb", 6.0)])
    assert times.read() == {"01_nb": 9.0, "02_nb": 6.0}, "a new run replaces what it measured, keeps the rest"
    times.path.write_text("{not json")
    assert times.read() == {}, "an unreadable file knows nothing"


def test_a_students_time_limit_is_shared_by_their_tasks():
    deadlines = Deadlines(timeout=10.0)
    first = deadlines.remaining("s0")
    time.sleep(0.05)
    second = deadlines.remaining("s0")
    assert 9.9 <= first <= 10.0
    assert second <= first - 0.05, "a student's second task gets what is left, not a fresh limit"
    assert deadlines.remaining("s1") > second, "another student's limit starts on its own"
    assert Deadlines(timeout=None).remaining("s0") is None, "by default only each notebook has a budget"


def test_an_assignment_may_outlast_its_notebooks_budgets_only_by_the_start_up_allowance():
    from tools.grading.settings import GradingSettings
    from tools.grading.worker import STARTUP_ALLOWANCE_S, hard_limit

    settings = GradingSettings(notebook_timeout=300)
    assert hard_limit(settings, 1) == 300 + STARTUP_ALLOWANCE_S
    assert hard_limit(settings, 2) == 2 * hard_limit(settings, 1)


def test_each_worker_slot_has_a_sandbox_user_of_its_own():
    """Linux counts the process limit per user: kernels of different workers must not share one."""
    import os

    import pytest

    from tools.sandbox import sandbox_problem, sandbox_user, slot_user_count

    if os.geteuid() != 0 or sandbox_problem() is not None:
        pytest.skip("kernels run as a user of their own only when a root grader has the sandbox")
    jobs = os.cpu_count() or 2
    assert slot_user_count() >= max(jobs, 8), "run .ci/install-bubblewrap.sh to create the slot users"
    users = {sandbox_user(str(slot)).pw_uid for slot in range(jobs)}
    assert len(users) == jobs
    assert sandbox_user("0").pw_name == "cs-grader-0"
    assert sandbox_user("").pw_name == "cs-grader", "no slot: the shared user"
    assert sandbox_user("999").pw_name == "cs-grader", "a slot without a user falls back to the shared one"


def test_slot_users_are_never_shared(tmp_path):
    """Slots are held through lock files: every holder, in this run or another, gets its own, and
    when all are taken the next holder gets the shared user instead of waiting."""
    from tools.sandbox import SlotPool

    pool, other_run = SlotPool(tmp_path, users=2), SlotPool(tmp_path, users=2)
    first, first_lock = pool.acquire()
    second, second_lock = other_run.acquire()
    assert {first, second} == {"0", "1"}
    assert other_run.acquire() == ("", None), "every slot user taken: the shared user"
    pool.release(first_lock)
    again, again_lock = other_run.acquire()
    assert again == first, "a released slot is free again"
    for handle in (second_lock, again_lock, None):
        pool.release(handle)


def test_refuses_to_grade_unconfined_without_the_flag(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CS_BWRAP", str(tmp_path / "no-bwrap-here"))
    (tmp_path / "in").mkdir()
    with pytest.raises(SystemExit, match="refusing to grade.*--unconfined.*make autograde UNCONFINED=1"):
        autograde(tmp_path / "in", tmp_path)
    with pytest.raises(SystemExit, match="refusing"):
        main([str(tmp_path / "in"), "--course", str(tmp_path)])


def test_the_font_list_is_built_once_and_given_read_only_to_the_sandbox(tmp_path, monkeypatch):
    from pathlib import Path

    from tools.sandbox import MPL_CONFIG as config
    from tools.sandbox import build_font_list, bwrap_command

    path = build_font_list(tmp_path)
    assert path and Path(path).name.startswith("fontlist-v"), "matplotlib built no font list"
    built = Path(path).stat().st_mtime_ns
    assert build_font_list(tmp_path) == path and Path(path).stat().st_mtime_ns == built, "built once"
    monkeypatch.setenv("CS_FONT_LIST", path)
    cmd = bwrap_command(tmp_path / "csg-x" / "kernel.json", tmp_path / "work", [], None)
    at = cmd.index(path)
    assert cmd[at - 1] == "--ro-bind" and cmd[at + 1] == f"{config}/{Path(path).name}"
    assert cmd[cmd.index(config) - 3:cmd.index(config)] == ["--perms", "0777", "--dir"], \
        "the kernel's user must be able to write the folder, or matplotlib warns on stderr"
    at = cmd.index("MPLCONFIGDIR")
    assert cmd[at - 1:at + 2] == ["--setenv", "MPLCONFIGDIR", config]
