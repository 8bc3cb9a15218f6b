"""Make a prepared case's own hand-in files: ``python -m tests.support.handins ASSIGNMENT CASE``.

Builds the case's notebook (tests/support/cases.py), runs it in quick mode without its experiment
cells (``tools.reference_handin.make_handin``) and keeps the files it writes in the case's
``<case>.handin/`` folder. For a case whose design differs from the reference solution's (notebook
12's ``alternative``); run it again after changing that design.
"""

from __future__ import annotations

import sys

from tests.support.cases import build_case, handin_folder
from tools.reference_handin import make_handin


def main(argv: list[str] | None = None) -> int:
    assignment, name = sys.argv[1:] if argv is None else argv
    for path in make_handin(build_case(assignment, name), handin_folder(assignment, name)):
        print(f"{assignment}/{name}: wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
