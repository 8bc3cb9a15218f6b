"""A learning platform's bulk download as a folder of hand-ins: tools/grading/lms.py reads the names
Canvas and Moodle give the files, and tools/grading/collect.py groups them by student. No grading
runs here (``make check``); tests/test_grading_robustness.py grades such a download end to end."""

from __future__ import annotations

import io
import zipfile

import pytest

from tools.grading.collect import StudentEntry, student_entries, student_files
from tools.grading.lms import PlatformName, parse
from tools.grading.match import normalise


@pytest.mark.parametrize("name, is_folder, expected", [
    ("smithjohn_48213_992031_01_convolution.ipynb", False,
     PlatformName("Canvas", "48213", "smithjohn", "01_convolution.ipynb")),
    ("smithjohn_LATE_48213_992031_01_convolution-1.ipynb", False,
     PlatformName("Canvas", "48213", "smithjohn", "01_convolution-1.ipynb", late=True)),
    ("garciamaria_7_8_handin.zip", False, PlatformName("Canvas", "7", "garciamaria", "handin.zip")),
    ("John Smith_5521_assignsubmission_file_", True, PlatformName("Moodle", "5521", "John Smith", "")),
    ("Anne-Marie O'Neil_17_assignsubmission_file_02_stride_padding.ipynb", False,
     PlatformName("Moodle", "17", "Anne-Marie O'Neil", "02_stride_padding.ipynb")),
    ("alice", True, None),  # the course's own layouts
    ("carol.zip", False, None),
    ("bob_2024", True, None),
    ("notes_1_2.txt", False, None),  # no file after the two numbers
    ("smithjohn_48213_992031_01_convolution.ipynb", True, None),  # Canvas makes no folders
])
def test_parse(name, is_folder, expected):
    assert parse(name, is_folder) == expected


def test_a_canvas_resubmission_is_matched_by_its_name():
    assert normalise("01_convolution-1") == normalise("01_convolution-12") == "01_convolution"


def zip_bytes(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_a_download_is_grouped_by_student(tmp_path):
    (tmp_path / "smithjohn_48213_992031_01_convolution.ipynb").write_text("a")
    (tmp_path / "smithjohn_LATE_48213_992077_02_stride_padding-1.ipynb").write_text("b")
    (tmp_path / "smithjohn_48213_992078_model.pt").write_text("c")
    (tmp_path / "garciamaria_7_8_handin.zip").write_bytes(zip_bytes({"handin/03_pooling.ipynb": "d"}))
    moodle = tmp_path / "John Smith_5521_assignsubmission_file_"
    moodle.mkdir()
    (moodle / "01_convolution.ipynb").write_text("e")
    (tmp_path / "alice").mkdir()
    (tmp_path / "readme.txt").write_text("for the TAs")
    entries, general = student_entries(tmp_path)
    assert sorted(entries) == ["48213", "5521", "7", "alice"]
    assert general == ["ignored readme.txt: not a student folder or zip, nor a file of a Canvas or Moodle "
                       "download"]

    canvas = entries["48213"]
    assert isinstance(canvas, StudentEntry)
    assert canvas.notes == ["Canvas download: smithjohn (user 48213)",
                            "02_stride_padding-1.ipynb was handed in late (Canvas marked it LATE)"]
    files, problems = student_files(canvas, tmp_path / "course")
    assert dict(files) == {"01_convolution.ipynb": b"a", "02_stride_padding-1.ipynb": b"b", "model.pt": b"c"}
    assert problems == []
    course = tmp_path / "course"
    opened = student_files(entries["7"], course)[0]
    assert dict(opened) == {"handin/03_pooling.ipynb": b"d"}, "a zip is opened"
    assert dict(student_files(entries["5521"], course)[0]) == {"01_convolution.ipynb": b"e"}
    assert entries["5521"].notes == ["Moodle download: John Smith (participant 5521)"]


def test_files_of_one_name_from_two_entries_are_both_kept(tmp_path):
    (tmp_path / "smithjohn_48213_1_01_convolution.ipynb").write_text("first assignment's download")
    (tmp_path / "smithjohn_48213_2_handin.zip").write_bytes(zip_bytes({"01_convolution.ipynb": "zip"}))
    files, _ = student_files(student_entries(tmp_path)[0]["48213"], tmp_path / "course")
    assert sorted(data for _, data in files) == [b"first assignment's download", b"zip"]
    assert len({rel for rel, _ in files}) == 2


def test_the_course_layouts_are_unchanged(tmp_path):
    (tmp_path / "bob").mkdir()
    (tmp_path / "carol.zip").write_bytes(zip_bytes({"01_convolution.ipynb": "x"}))
    (tmp_path / ".DS_Store").write_text("")
    entries, general = student_entries(tmp_path)
    assert entries == {"bob": tmp_path / "bob", "carol": tmp_path / "carol.zip"}
    assert general == ["ignored .DS_Store: a hidden file"]
