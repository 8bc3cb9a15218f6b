"""Students in a learning platform's bulk download of hand-ins, read from the names it gives them.

An instructor who collects the notebooks through the course's learning platform downloads them all
at once, and each platform names them its own way:

* **Canvas** (*Download Submissions*): one flat folder, every file renamed
  ``<name>_[LATE_]<user id>_<submission id>_<file as handed in>``, e.g.
  ``smithjohn_LATE_48213_992031_01_convolution-1.ipynb``: ``LATE`` when it came after the due date,
  and ``-1``, ``-2`` before the extension of a resubmitted file.
* **Moodle** (*Download all submissions*): a folder per student,
  ``<full name>_<participant id>_assignsubmission_file_``, or, when "download submissions in
  folders" is off, files named ``<full name>_<participant id>_assignsubmission_file_<file>``.

``parse`` reads one such name. The student id is the platform's number for the student (Canvas's
user id is the ``ID`` column of its gradebook; Moodle's participant id), since names are neither
unique nor valid ids; the name goes in the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CANVAS = re.compile(r"(?P<name>[^_]+)_(?P<late>LATE_)?(?P<number>\d+)_\d+_(?P<file>.+)")
MOODLE = re.compile(r"(?P<name>.+?)_(?P<number>\d+)_assignsubmission_(?:file|onlinetext)_(?P<file>.*)")


@dataclass(frozen=True)
class PlatformName:
    platform: str      # "Canvas" or "Moodle"
    student: str       # the platform's number for the student: the student id
    name: str          # the student's name as the platform wrote it
    file: str          # the name the student gave the file ("" for a Moodle folder)
    late: bool = False  # Canvas marked the file LATE

    def describe(self) -> str:
        number = "user" if self.platform == "Canvas" else "participant"
        return f"{self.platform} download: {self.name} ({number} {self.student})"


def parse(entry_name: str, is_folder: bool) -> PlatformName | None:
    """What a platform's name for a top-level file or folder of the download says, or None when
    it is not such a name. Canvas names only files, Moodle both (a folder's ends in ``_``)."""
    moodle = MOODLE.fullmatch(entry_name)
    if moodle and bool(moodle["file"]) != is_folder:
        return PlatformName("Moodle", moodle["number"], moodle["name"], moodle["file"])
    canvas = None if is_folder else CANVAS.fullmatch(entry_name)
    if canvas:
        return PlatformName("Canvas", canvas["number"], canvas["name"], canvas["file"],
                            late=bool(canvas["late"]))
    return None
