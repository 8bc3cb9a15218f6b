"""Statuses, events, the class's files and the merge of shards (tools/grading/records.py,
results.py, schedule.py). No grading runs here (``make check``)."""

from __future__ import annotations

import csv
import json

import pytest

from tools.grading.records import Event, EventKind, Item, Status
from tools.grading.results import lms_table, merge, output_paths, report_text, write_outputs
from tools.grading.schedule import Shard

ROWS = [
    {
        "student": "ann",
        "assignment": "01_a",
        "notebook": "01_a",
        "score": 3.0,
        "max_score": 3.0,
        "status": "ok",
    },
    {
        "student": "ann",
        "assignment": "02_b",
        "notebook": "02_b",
        "score": 1.5,
        "max_score": 2.0,
        "status": "ok",
    },
    {
        "student": "bob",
        "assignment": "01_a",
        "notebook": "01_a",
        "score": 0.0,
        "max_score": 3.0,
        "status": "missing",
    },
    {
        "student": "bob",
        "assignment": "02_b",
        "notebook": "02_b",
        "score": 2.0,
        "max_score": 2.0,
        "status": "ok",
    },
]


def students():
    ann = {
        "01_a": Item("ann", "01_a", Status.OK),
        "02_b": Item(
            "ann", "02_b", Status.OK, events=[Event(EventKind.CELL_TIMEOUT, "02_b", "test_loop", "30")]
        ),
    }
    bob = {
        "01_a": Item("bob", "01_a", Status.MISSING, ["01_a.ipynb is missing: 0 points for it"]),
        "02_b": Item("bob", "02_b", Status.OK, review=["02_b.ipynb was handed in twice"]),
    }
    return {"ann": ann, "bob": bob}


def test_status_is_an_enum_that_reads_as_its_word():
    assert Status("timeout") is Status.TIMEOUT and str(Status.OK) == "ok" and Status.OK == "ok"


def test_events_and_items_round_trip_as_data():
    item = students()["ann"]["02_b"]
    assert Item.from_dict(json.loads(json.dumps(item.to_dict()))) == item
    for kind in EventKind:
        event = Event(kind, "nb", "test_x", "7")
        assert Event.from_dict(event.to_dict()) == event
        assert event.describe().startswith("nb: "), "every kind has its sentence"


def test_events_a_person_should_look_at_go_on_the_review_list():
    item = Item("ann", "01_a")
    item.add_events([Event(EventKind.CELL_TIMEOUT, "01_a", "test_loop", "30"),
                     Event(EventKind.GLOBAL_SHARED, "01_a", "test_values", "expected")])
    assert [e.kind for e in item.events] == [EventKind.CELL_TIMEOUT, EventKind.GLOBAL_SHARED]
    assert item.review == [Event(EventKind.GLOBAL_SHARED, "01_a", "test_values", "expected").describe()]


def test_lms_table_has_one_row_per_student_with_a_total():
    header, rows = lms_table(ROWS)
    assert header == ["student_id", "01_a", "02_b", "total"]
    assert rows == [
        {"student_id": "ann", "01_a": "3", "02_b": "1.5", "total": "4.5"},
        {"student_id": "bob", "01_a": "0", "02_b": "2", "total": "2"},
    ]


def test_report_names_events_review_and_notes():
    text = report_text(students(), ROWS, "header", {"bob": ["ignored extra file bob/notes.txt"]})
    assert "## Needs review\n\n- bob, 02_b: 02_b.ipynb was handed in twice" in text
    assert "- 02_b: 1.5 / 2 (ok)\n  - 02_b: test_loop ran past the per-cell time limit (30 s)" in text
    assert "## bob\n- ignored extra file bob/notes.txt\n- 01_a: 0 / 3 (missing)" in text


def test_outputs_and_the_merge_of_two_shards(tmp_path):
    paths = write_outputs(tmp_path / "autograde.csv", students(), ROWS, "all")
    assert paths == output_paths(tmp_path / "autograde.csv")
    assert sorted(p.name for p in paths.values()) == [
        "autograde.csv",
        "autograde_lms.csv",
        "autograde_report.md",
        "autograde_results.json",
    ]
    with open(paths["lms"]) as fh:
        assert list(csv.DictReader(fh))[0] == {
            "student_id": "ann",
            "01_a": "3",
            "02_b": "1.5",
            "total": "4.5",
        }
    everyone = students()
    one = write_outputs(
        tmp_path / "a.shard-1-of-2.csv",
        {"ann": everyone["ann"]},
        [r for r in ROWS if r["student"] == "ann"],
        "shard 1",
    )
    two = write_outputs(
        tmp_path / "a.shard-2-of-2.csv",
        {"bob": everyone["bob"]},
        [r for r in ROWS if r["student"] == "bob"],
        "shard 2",
    )
    merged = merge([one["results"], two["results"]], tmp_path / "merged.csv")
    for kind in ("csv", "lms"):
        assert merged[kind].read_text() == paths[kind].read_text(), kind
    with pytest.raises(ValueError, match="two shards: ann"):
        merge([one["results"], one["results"]], tmp_path / "twice.csv")


def test_merge_drops_what_nobody_in_the_class_handed_in(tmp_path):
    """Shards report every assignment of the course; the merge keeps those someone handed in."""
    nobody = {
        "student": "ann",
        "assignment": "03_c",
        "notebook": "03_c",
        "score": 0.0,
        "max_score": 4.0,
        "status": "missing",
    }
    everyone = students()
    everyone["ann"]["03_c"] = Item("ann", "03_c", Status.MISSING, ["03_c.ipynb is missing: 0 points for it"])
    one = write_outputs(
        tmp_path / "s1.csv",
        {"ann": everyone["ann"]},
        [r for r in ROWS if r["student"] == "ann"] + [nobody],
        "shard 1",
        all_assignments=True,
    )
    two = write_outputs(
        tmp_path / "s2.csv",
        {"bob": everyone["bob"]},
        [r for r in ROWS if r["student"] == "bob"] + [{**nobody, "student": "bob"}],
        "shard 2",
        all_assignments=True,
    )
    merged = merge([one["results"], two["results"]], tmp_path / "merged.csv")
    whole = write_outputs(tmp_path / "whole.csv", students(), ROWS, "all")
    for kind in ("csv", "lms"):
        assert merged[kind].read_text() == whole[kind].read_text(), kind
    assert "03_c" not in merged["report"].read_text()


def test_shards_split_the_students_disjointly_and_stably():
    names = [f"student{i:03d}" for i in range(300)]
    shards = [Shard.parse(f"{k}/4") for k in range(1, 5)]
    owners = [[s for s in shards if s.holds(name)] for name in names]
    assert all(len(o) == 1 for o in owners), "each student in exactly one shard"
    sizes = [sum(o[0] is s for o in owners) for s in shards]
    assert min(sizes) > 50, sizes
    assert [s.holds("student007") for s in shards] == [s.holds("student007") for s in shards], "stable"
    assert str(Shard.parse("2/4")) == "2/4" and Shard.parse("2/4").tag == "shard-2-of-4"
    for bad in ("0/4", "5/4", "x", "1-4"):
        with pytest.raises(ValueError):
            Shard.parse(bad)
