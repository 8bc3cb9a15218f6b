"""The settings of grading (tools/grading/settings.py): one typed object for every CS_* variable.

Round-trip tested, documented in one place (docs/grading.md shows ``settings_table()``), and the
only reader of the environment among the grading code. No grading runs here (``make check``).
"""

from __future__ import annotations

import re
from pathlib import Path

from cs_utils.settings import CourseSettings
from tools.course import ROOT
from tools.grading.settings import GradingSettings, env_names, settings_table


def test_round_trip_of_the_defaults():
    settings = GradingSettings.from_env({})
    assert GradingSettings.from_env(settings.to_env()) == settings
    assert GradingSettings() == GradingSettings.from_env({"CS_QUICK": "1"}), "grading is in quick mode"


def test_round_trip_of_every_field_changed():
    settings = GradingSettings(
        course=CourseSettings(quick=False, data_dir=Path("/data/cifar")),
        gradebook_url="postgresql://u:p@db/course",
        course_root="/srv/course",
        grading_kernel="cs-grading",
        kernel_ipc="/tmp/csg-x/k",
        kernel_pids="/tmp/csg-x/pids",
        sandbox_slot="3",
        sandbox_ro=("/data", "/opt/cache"),
        font_list="/srv/course/autograde_work/matplotlib-3.11.0/fontlist-v390.json",
        bwrap="/usr/local/bin/bwrap",
        test_cell_timeout=12,
        cell_timeout=99,
        notebook_timeout=222,
        max_output_chars=1234,
        run_experiments=True,
        tamper_guard=False,
        kernel_memory_mb=512,
        kernel_cpu_s=60,
        kernel_file_mb=8,
        kernel_nproc=32,
    )
    env = settings.to_env()
    assert GradingSettings.from_env(env) == settings
    assert set(env) == set(env_names()), "every field has its variable, and no variable is left out"
    assert env["CS_QUICK"] == "0" and env["CS_SANDBOX_RO"] == "/data:/opt/cache"


def test_students_switches_come_from_cs_utils():
    env = GradingSettings.from_env({"CS_QUICK": "yes", "CS_DATA_DIR": "/d"}).course
    assert env == CourseSettings.from_env({"CS_QUICK": "yes", "CS_DATA_DIR": "/d"})


def test_bad_numbers_fall_back_to_the_default():
    assert GradingSettings.from_env({"CS_TEST_CELL_TIMEOUT": "soon"}).test_cell_timeout == 30


def test_db_url():
    assert GradingSettings().db_url(Path("/c")) == "sqlite:////c/gradebook.db?timeout=60"
    assert GradingSettings(gradebook_url="postgresql://x/y").db_url(Path("/c")) == "postgresql://x/y"


def test_the_docs_show_the_table():
    docs = (ROOT / "docs" / "grading.md").read_text()
    assert settings_table() in docs, "paste settings_table() into docs/grading.md"


def test_only_the_settings_read_grading_variables():
    """Nothing else of the grading code reads a CS_* variable from the environment."""
    readers = [
        ROOT / "nbgrader_config.py",
        ROOT / "tools" / "autograde.py",
        ROOT / "tools" / "sandbox.py",
        *sorted((ROOT / "tools" / "grading").rglob("*.py")),
    ]
    pattern = re.compile(r"environ(?:\.get)?\(?\[?\s*[\"']CS_|getenv\(\s*[\"']CS_")
    offenders = [
        str(p.relative_to(ROOT)) for p in readers if p.name != "settings.py" and pattern.search(p.read_text())
    ]
    assert offenders == []
