"""Which handed-in notebook is graded: tools/grading/match.py, a pure function, and the facts that
tools/grading/collect.py reads from a file for it. No grading runs here (``make check``)."""

from __future__ import annotations

import json

import pytest

from tools.grading import collect
from tools.grading.collect import (
    Course,
    answered,
    check_notebook,
    read_hand_in,
    safe_member,
    stageable,
    student_files,
)
from tools.grading.match import CourseIndex, HandIn, identify, match_notebooks, normalise

COURSE = CourseIndex(
    {
        "01_convolution": {"01_convolution": frozenset({"conv2d", "test_shape", "test_values"})},
        "07_dropout": {"07_dropout": frozenset({"dropout", "dropout_backward", "test_dropout"})},
        "91_two": {"part_a": frozenset({"a1", "test_a"}), "part_b": frozenset({"b1", "test_b"})},
    }
)
IDS_07 = frozenset({"dropout", "dropout_backward", "test_dropout"})
IDS_01 = frozenset({"conv2d", "test_shape", "test_values"})


def nb(path, answered=(), ids=IDS_07, digest=None, readable=True):
    return HandIn(
        path,
        readable=readable,
        grade_ids=ids if readable else frozenset(),
        answered=frozenset(answered),
        digest=digest or path,
        problem="" if readable else "not JSON",
    )


@pytest.mark.parametrize(
    "stem, expected",
    [
        ("01_convolution-Copy1", "01_convolution"),
        ("01_convolution (1)", "01_convolution"),
        ("01_Convolution_v2", "01_convolution"),
        ("01_convolution_final", "01_convolution"),
        ("01_convolution-Copy1 (2)", "01_convolution"),
        ("my homework", "my_homework"),
        ("Copy of 01_convolution", "01_convolution"),  # Colab's "Save a copy in Drive", downloaded
        ("Copy of Copy of 01_convolution (1)", "01_convolution"),
    ],
)
def test_normalise(stem, expected):
    assert normalise(stem) == expected


@pytest.mark.parametrize(
    "path, ids, expected",
    [
        ("alice/07_dropout.ipynb", IDS_07, (("07_dropout", "07_dropout"), True)),
        ("alice/07_dropout/07_dropout.ipynb", IDS_07, (("07_dropout", "07_dropout"), True)),
        ("alice/07_dropout-Copy1.ipynb", IDS_07, (("07_dropout", "07_dropout"), False)),
        ("alice/my homework.ipynb", IDS_07, (("07_dropout", "07_dropout"), False)),
        ("alice/07_dropout (1).ipynb", frozenset(), (("07_dropout", "07_dropout"), False)),
        ("alice/07_dropout/whatever.ipynb", frozenset(), (("07_dropout", "07_dropout"), False)),
        ("alice/91_two/whatever.ipynb", frozenset(), (None, False)),
        ("alice/scratch.ipynb", frozenset(), (None, False)),
        # Named like 01, holding only 07's cells: it is 07.
        ("alice/01_convolution.ipynb", IDS_07, (("07_dropout", "07_dropout"), False)),
    ],
)
def test_identify(path, ids, expected):
    assert identify(HandIn(path, grade_ids=ids), COURSE) == expected


def test_an_untouched_copy_never_wins_over_an_answered_one():
    """The issue's case: 07_dropout.ipynb as released, the work in 07_dropout-Copy1.ipynb."""
    files = [
        nb("s/07_dropout.ipynb"),
        nb("s/07_dropout-Copy1.ipynb", answered={"dropout", "dropout_backward"}),
    ]
    result = match_notebooks(files, COURSE)
    assert result.graded[("07_dropout", "07_dropout")].path == "s/07_dropout-Copy1.ipynb"
    assert result.renamed[("07_dropout", "07_dropout")] is True
    assert result.notes == {
        "07_dropout": [
            "ignored s/07_dropout.ipynb as 07_dropout.ipynb: s/07_dropout-Copy1.ipynb has more answers "
            "(2 exercises, against 0)"
        ]
    }, "filed under the assignment it concerns"
    assert result.review == {}, "one answered copy: nothing to review"


def test_two_different_answered_copies_are_flagged_for_review_under_their_assignment():
    files = [
        nb("s/07_dropout (1).ipynb", answered={"dropout"}, digest="x"),
        nb("s/07_dropout.ipynb", answered={"dropout"}, digest="y"),
        nb("s/01_convolution.ipynb", ids=COURSE.notebooks["01_convolution"]["01_convolution"]),
    ]
    result = match_notebooks(files, COURSE)
    assert result.graded[("07_dropout", "07_dropout")].path == "s/07_dropout.ipynb", (
        "the exact name wins a tie"
    )
    assert list(result.review) == ["07_dropout"]
    assert "s/07_dropout (1).ipynb" in result.review["07_dropout"][0]
    assert "01_convolution" not in result.notes


def test_identical_copies_are_not_ambiguous():
    files = [
        nb("s/07_dropout.ipynb", answered={"dropout"}, digest="same"),
        nb("s/07_dropout-Copy1.ipynb", answered={"dropout"}, digest="same"),
    ]
    result = match_notebooks(files, COURSE)
    assert result.review == {}
    assert result.notes["07_dropout"] == [
        "ignored s/07_dropout-Copy1.ipynb as 07_dropout.ipynb: the same notebook again"
    ]


def test_a_readable_copy_wins_over_an_unreadable_one():
    files = [nb("s/07_dropout.ipynb", readable=False), nb("s/07_dropout-Copy1.ipynb")]
    result = match_notebooks(files, COURSE)
    assert result.graded[("07_dropout", "07_dropout")].path == "s/07_dropout-Copy1.ipynb"


def test_unmatched_and_extra_files_are_noted_where_they_belong():
    files = [nb("s/scratch.ipynb", ids=frozenset())]
    result = match_notebooks(files, COURSE, extra=["s/notes.txt", "s/07_dropout/data.csv"])
    assert result.general == [
        "ignored notebook s/scratch.ipynb: it matches no assignment of the course",
        "ignored extra file s/notes.txt",
    ]
    assert result.notes == {"07_dropout": ["ignored extra file s/07_dropout/data.csv"]}
    assert result.graded == {} and result.files == {}


def test_a_file_in_an_assignment_folder_goes_with_that_assignment():
    files = [nb("s/07_dropout/07_dropout.ipynb"), nb("s/01_convolution/01_convolution.ipynb", ids=IDS_01)]
    result = match_notebooks(files, COURSE, extra=["s/07_dropout/model.pt", "s/07_dropout/runs/a.json"])
    assert result.files == {
        "07_dropout": {"model.pt": "s/07_dropout/model.pt", "runs/a.json": "s/07_dropout/runs/a.json"}}
    assert result.notes == {} and result.general == []


def test_a_file_in_a_flat_folder_goes_with_every_notebook_beside_it():
    files = [nb("s/07_dropout.ipynb"), nb("s/01_convolution.ipynb", ids=IDS_01),
             nb("s/sub/scratch.ipynb", ids=frozenset())]
    result = match_notebooks(files, COURSE, extra=["s/model.pt", "s/sub/other.pt"])
    assert result.files == {"01_convolution": {"model.pt": "s/model.pt"},
                            "07_dropout": {"model.pt": "s/model.pt"}}
    assert "s/model.pt goes with the notebooks of its folder: 01_convolution, 07_dropout" in result.general
    assert "ignored extra file s/sub/other.pt" in result.general


def test_an_assignment_with_two_notebooks_matches_each_by_its_cells():
    files = [
        HandIn("s/91_two/x.ipynb", grade_ids=frozenset({"a1", "test_a"})),
        HandIn("s/91_two/y.ipynb", grade_ids=frozenset({"b1", "test_b"})),
    ]
    result = match_notebooks(files, COURSE)
    assert {k: v.path for k, v in result.graded.items()} == {
        ("91_two", "part_a"): "s/91_two/x.ipynb",
        ("91_two", "part_b"): "s/91_two/y.ipynb",
    }


def _notebook_json(answer: str) -> bytes:
    cells = [
        {
            "cell_type": "code",
            "id": "c1",
            "metadata": {
                "nbgrader": {
                    "grade": False,
                    "solution": True,
                    "locked": False,
                    "grade_id": "dropout",
                    "schema_version": 3,
                }
            },
            "source": answer,
            "outputs": [],
            "execution_count": None,
        },
        {
            "cell_type": "code",
            "id": "c2",
            "metadata": {
                "nbgrader": {
                    "grade": True,
                    "solution": False,
                    "locked": True,
                    "points": 1,
                    "grade_id": "test_dropout",
                    "schema_version": 3,
                }
            },
            "source": "assert True",
            "outputs": [],
            "execution_count": None,
        },
    ]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def test_read_hand_in_finds_the_answered_exercises():
    stub = "# YOUR CODE HERE\nraise NotImplementedError()"
    course = Course(
        CourseIndex({"07_dropout": {"07_dropout": frozenset({"dropout", "test_dropout"})}}),
        {"07_dropout": {"07_dropout": {"dropout": stub}}},
    )
    untouched = read_hand_in("s/07_dropout.ipynb", _notebook_json(stub + "\n"), course)
    assert untouched.readable and untouched.grade_ids == {"dropout", "test_dropout"}
    assert untouched.answered == frozenset()
    done = read_hand_in("s/07_dropout-Copy1.ipynb", _notebook_json("def dropout(x):\n    return x"), course)
    assert done.answered == {"dropout"} and done.digest != untouched.digest
    broken = read_hand_in("s/x.ipynb", b'{"cells": [', course)
    assert not broken.readable and "not a valid notebook" in broken.problem


def test_answered_without_a_release_looks_for_the_stub():
    assert answered({"a": "raise NotImplementedError()", "b": "return 1"}, {}) == {"b"}


def test_a_byte_order_mark_is_dropped_before_nbgrader_reads_the_notebook():
    """Some Windows editors save UTF-8 with a BOM, which nbformat's JSON reader refuses."""
    data = b"\xef\xbb\xbf" + _notebook_json("def dropout(x):\n    return x")
    assert "not a valid notebook" in check_notebook(data)
    staged, note = stageable(data)
    assert check_notebook(staged) is None and note == ""


def test_a_notebook_too_large_only_for_its_outputs_is_staged_without_them(monkeypatch):
    monkeypatch.setattr(collect, "MAX_NOTEBOOK_BYTES", 4000)
    nb = json.loads(_notebook_json("def dropout(x):\n    return x"))
    nb["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x" * 10_000}]
    nb["cells"][0]["execution_count"] = 3
    staged, note = stageable(json.dumps(nb).encode())
    assert "graded without them" in note
    slim = json.loads(staged)
    assert slim["cells"][0]["outputs"] == [] and slim["cells"][0]["execution_count"] is None
    assert slim["cells"][0]["source"] == nb["cells"][0]["source"], "the answers are untouched"
    assert check_notebook(staged) is None


def test_a_notebook_too_large_without_its_outputs_is_left_for_check_notebook(monkeypatch):
    monkeypatch.setattr(collect, "MAX_NOTEBOOK_BYTES", 4000)
    big_source = _notebook_json("x = '" + "y" * 10_000 + "'")
    assert stageable(big_source) == (big_source, "")
    assert "larger than" in check_notebook(big_source)
    assert stageable(b"x" * 10_000) == (b"x" * 10_000, ""), "not a notebook: unchanged"


def test_notebooks_may_be_read_larger_than_other_files():
    other = collect.size_limit("a/model.pt")
    assert collect.size_limit("a/07_dropout.ipynb") > other == collect.MAX_NOTEBOOK_BYTES


@pytest.mark.parametrize("name, safe", [
    ("91_alpha/91_alpha.ipynb", True), ("handin/model.pt", True), ("a..b/x", True),
    ("91_alpha/../../nbgrader_config.py", False), ("../x", False), ("/etc/passwd", False),
    ("a\\..\\..\\x", False), ("C:/x", False), ("\\\\server\\x", False),
])
def test_zip_members_that_leave_the_hand_in_are_refused(name, safe):
    assert safe_member(name) is safe


class TestSymbolicLinksInAStudentFolder:
    """unzip restores the links in a student's zip, and collecting runs as the instructor, outside
    the sandbox: a followed link would stage the solutions, or a file only the instructor can read,
    where the student's code runs. Instructors link folders too, to assemble a regrade."""

    @pytest.fixture
    def places(self, tmp_path):
        def write(rel, text="{}"):
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text(text)
            return tmp_path / rel

        write("course/solutions/91_alpha/91_alpha.ipynb", "solution")
        write("course/submitted/earlier/91_alpha/91_alpha.ipynb", "earlier")
        write("home/.ssh/id_rsa", "key")
        write("downloads/good/91_alpha/91_alpha.ipynb", "good")
        write("downloads/good/91_alpha/model.pt", "weights")
        (tmp_path / "incoming").mkdir()
        return tmp_path

    def folder(self, places, name):
        (places / "incoming" / name).mkdir()
        return places / "incoming" / name

    def read(self, places, entry):
        files, problems = student_files(entry, places / "course")
        return dict(files), problems

    def test_links_to_the_solutions_are_refused(self, places):
        student = self.folder(places, "mallory")
        (student / "91_alpha").mkdir()
        # relative, as a student would guess it for nbgrader's layout
        solution = "../../../course/solutions/91_alpha/91_alpha.ipynb"
        (student / "91_alpha" / "91_alpha.ipynb").symlink_to(solution)
        (student / "92_beta").symlink_to(places / "course" / "solutions" / "91_alpha")
        (student / "whole_course").symlink_to(places / "course")
        (student / "above_it").symlink_to(places)
        assert (student / "91_alpha" / "91_alpha.ipynb").read_text() == "solution", "the link works"
        files, problems = self.read(places, student)
        assert files == {}
        assert problems == ["ignored 91_alpha/91_alpha.ipynb: a link that leads out of the hand-in",
                            "ignored 92_beta: a link into the course's own folders",
                            "ignored above_it: a link into the course's own folders",
                            "ignored whole_course: a link into the course's own folders"]

    def test_links_to_the_instructors_files_are_refused(self, places):
        student = self.folder(places, "mallory")
        (student / "91_alpha").mkdir()
        (student / "91_alpha" / "91_alpha.ipynb").write_text("mine")
        (student / "91_alpha" / "keys").symlink_to(places / "home" / ".ssh")
        (student / "91_alpha" / "key.txt").symlink_to(places / "home" / ".ssh" / "id_rsa")
        (student / "92_beta").symlink_to(places / "home" / ".ssh")
        files, problems = self.read(places, student)
        assert files == {"91_alpha/91_alpha.ipynb": b"mine"}
        assert problems == ["ignored 91_alpha/key.txt: a link that leads out of the hand-in",
                            "ignored 91_alpha/keys: a link that leads out of the hand-in",
                            "ignored 92_beta: a link to a folder that holds no notebook"]

    def test_links_inside_the_hand_in_are_followed_and_loops_end(self, places):
        student = self.folder(places, "alice")
        (student / "91_alpha").mkdir()
        (student / "91_alpha" / "91_alpha.ipynb").write_text("mine")
        (student / "91_alpha" / "copy.ipynb").symlink_to("91_alpha.ipynb")
        (student / "91_alpha" / "loop").symlink_to(student)
        files, problems = self.read(places, student)
        assert files == {"91_alpha/91_alpha.ipynb": b"mine", "91_alpha/copy.ipynb": b"mine"}
        assert problems == []

    def test_an_instructor_may_link_a_student_or_an_assignment_folder(self, places):
        (places / "incoming" / "good").symlink_to(places / "downloads" / "good")
        regrade = self.folder(places, "regrade")
        (regrade / "91_alpha").symlink_to(places / "downloads" / "good" / "91_alpha")
        earlier = self.folder(places, "earlier")
        (earlier / "91_alpha").symlink_to(places / "course" / "submitted" / "earlier" / "91_alpha")
        expected = {"91_alpha/91_alpha.ipynb": b"good", "91_alpha/model.pt": b"weights"}
        assert self.read(places, places / "incoming" / "good") == (expected, [])
        assert self.read(places, regrade) == (expected, [])
        assert self.read(places, earlier) == ({"91_alpha/91_alpha.ipynb": b"earlier"}, [])

    def test_a_linked_folder_keeps_its_own_links_inside(self, places):
        key = places / "home" / ".ssh" / "id_rsa"
        (places / "downloads" / "good" / "91_alpha" / "key.txt").symlink_to(key)
        (places / "incoming" / "good").symlink_to(places / "downloads" / "good")
        files, problems = self.read(places, places / "incoming" / "good")
        assert "91_alpha/key.txt" not in files
        assert problems == ["ignored 91_alpha/key.txt: a link that leads out of the hand-in"]

    def test_a_student_folder_linked_into_the_course_is_refused(self, places):
        (places / "incoming" / "mallory").symlink_to(places / "course" / "solutions")
        assert self.read(places, places / "incoming" / "mallory") == (
            {}, ["ignored mallory: a link into the course's own folders"])
