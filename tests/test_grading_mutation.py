"""Mutation check: do the hidden tests catch one-token mistakes in the reference solutions?

For each solution notebook in solutions/, one-token mutants are planted in the solution regions
(``### BEGIN SOLUTION`` ... ``### END SOLUTION``): operator swaps (``+``/``-``, ``*``/``/``,
``<``/``<=``, ...), off-by-one integer constants (which also changes axes, strides and slice
bounds). One kernel per notebook runs its non-experiment cells once; then, per mutant, the mutated
solution cell and every test cell run in it (hidden tests included), and the original cell is put
back. A mutant is caught when some test cell fails.

Cheap by design: at most ``CS_MUTANTS`` mutants (default 12, seeded sample, spread over the
notebooks) and a ``CS_MUTATION_BUDGET_S`` time budget (default 100 s) after which the remaining
notebooks are skipped. The share caught and the survivors are printed (``pytest -s``); the test
asserts at least ``CS_MUTATION_MIN`` (default 0.75, the small sample includes some equivalent
mutants; the course aims for 0.9).
"""

from __future__ import annotations

import io
import math
import os
import random
import re
import time
import tokenize
from pathlib import Path

import nbformat
import pytest

from tests.support.kernel import Kernel
from tools.course import ROOT, assignments

pytestmark = [pytest.mark.slow, pytest.mark.many_gradings]
SWAPS = {"+": "-", "-": "+", "*": "/", "/": "*", "//": "/", "<": "<=", "<=": "<", ">": ">=", ">=": ">",
         "==": "!=", "!=": "==", "+=": "-=", "-=": "+=", "*=": "/=", "and": "or", "or": "and"}
REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


def mutants(source: str) -> list[tuple[str, str]]:
    """(description, mutated source) for every one-token mutation inside the solution regions."""
    result = []
    for region in REGION.finditer(source):
        start = region.start(1)
        body = region.group(1)
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(body).readline))
        except (tokenize.TokenError, IndentationError):
            continue
        lines = body.splitlines(keepends=True)
        offsets = [0]
        for line in lines:
            offsets.append(offsets[-1] + len(line))
        for tok in tokens:
            if tok.type == tokenize.OP or (tok.type == tokenize.NAME and tok.string in ("and", "or")):
                new = SWAPS.get(tok.string)
            elif tok.type == tokenize.NUMBER and re.fullmatch(r"\d+", tok.string):
                new = str(int(tok.string) + 1)
            else:
                new = None
            if new is None:
                continue
            a = start + offsets[tok.start[0] - 1] + tok.start[1]
            b = start + offsets[tok.end[0] - 1] + tok.end[1]
            mutated = source[:a] + new + source[b:]
            try:
                compile(mutated, "<mutant>", "exec")
            except SyntaxError:
                continue
            line = lines[tok.start[0] - 1].strip()
            result.append((f"{tok.string} -> {new} in `{line}`", mutated))
    return result


def check_notebook(path: Path, n_mutants: int, rng: random.Random) -> list[tuple[str, str, bool]]:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and "experiment" not in c.metadata.get("tags", [])]
    tests = [c.source for c in code if c.metadata.get("nbgrader", {}).get("grade")]
    candidates = [(c.metadata["nbgrader"]["grade_id"], c.source, desc, mutated)
                  for c in code if c.metadata.get("nbgrader", {}).get("solution")
                  for desc, mutated in mutants(c.source)]
    chosen = rng.sample(candidates, min(n_mutants, len(candidates)))
    if not chosen:
        return []
    kernel = Kernel(path.parent)
    try:
        for cell in code:
            kernel.run(cell.source, timeout=300)
        failing = [t for t in tests if kernel.run(t, timeout=60)]
        assert not failing, f"{path.name}: the reference fails {len(failing)} of its own tests"
        results = []
        for grade_id, original, desc, mutated in chosen:
            caught = bool(kernel.run(mutated, timeout=60) or any(kernel.run(t, timeout=60) for t in tests))
            results.append((f"{path.stem}/{grade_id}", desc, caught))
            kernel.run(original)
        return results
    finally:
        kernel.close()


def test_mutants_are_caught():
    wanted = [a for a in os.environ.get("CS_ASSIGNMENTS", "").split(",") if a]
    names = [a for a in assignments() if not wanted or a in wanted]
    total = int(os.environ.get("CS_MUTANTS", "12"))
    budget = float(os.environ.get("CS_MUTATION_BUDGET_S", "100"))
    per_notebook = max(1, math.ceil(total / max(1, len(names))))
    rng = random.Random(20261128)
    start, results, skipped = time.monotonic(), [], []
    for name in names:
        if time.monotonic() - start > budget or len(results) >= total:
            skipped.append(name)
            continue
        results += check_notebook(ROOT / "solutions" / name / f"{name}.ipynb", per_notebook, rng)
    if not results:
        pytest.skip("no solution regions to mutate")
    caught = sum(ok for _, _, ok in results)
    share = caught / len(results)
    lines = [f"mutation check: {caught}/{len(results)} mutants caught ({share:.0%}) in "
             f"{time.monotonic() - start:.0f} s"
             + (f"; not reached (time budget): {', '.join(skipped)}" if skipped else "")]
    lines += [f"  {'caught  ' if ok else 'SURVIVED'} {where}: {desc}" for where, desc, ok in results]
    print("\n".join(lines))
    assert share >= float(os.environ.get("CS_MUTATION_MIN", "0.75")), "\n".join(lines)
