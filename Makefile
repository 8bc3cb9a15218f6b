# Two commands for a fresh machine: `make lab` (students) and `make test` (contributors).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUBMISSIONS ?= submitted
PORT ?= 8888
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# pytest workers: notebooks and the autograding module run side by side, one file per worker.
TEST_WORKERS ?= $(JOBS)
LAB_ARGS ?=
# Where `make lab` serves from; tests point it at a throwaway copy of the course.
COURSE_ROOT ?= $(CURDIR)
# Jupyter refuses to start as root (CI and containers) without this flag.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# nbgrader shells out to alembic, so the venv's bin folder must be on PATH for every target.
export PATH := $(abspath $(BIN)):$(PATH)
# OpenMP threads spin while they wait; on a busy 2-core machine that makes small torch runs
# many times slower. Kernels inherit this, and OpenMP reads it only at start-up.
export OMP_WAIT_POLICY := PASSIVE

.PHONY: setup lab check lint test test-export test-grading release autograde bench lock clean-grading student help

help:
	@echo "make lab        set up, then open JupyterLab on notebooks/ (students)"
	@echo "make check      the contributor's inner loop (about 2 min): lint, unit and static tests, drift of what changed"
	@echo "make test       set up, then run every test in quick mode (contributors, CI)"
	@echo "make release    rebuild solutions/ from notebook_src/ and notebooks/ from solutions/"
	@echo "make student    write the students' repository (release, cs_utils, pins; no solutions) to DEST=folder"
	@echo "make autograde  grade SUBMISSIONS=folder (nbgrader layout, folders or zips) in quick mode, sandboxed"
	@echo "make bench      speed ratios (benchmarks/)"
	@echo "make lock       re-resolve requirements.txt for every platform (uv; needs the package index)"
	@echo "make test-pythons  the quick tier on Python 3.12 and 3.13 (CI runs it after make test)"
	@echo "make test-export   the student export, answered, passes its own Validator; the student's browser flow (CI runs it too)"
	@echo "make test-grading  the grader at class scale: every prepared submission, bad hand-ins (CI runs it too)"

# The Pythons the course supports, from pyproject.toml's requires-python (one place): at least
# PYTHON_MIN, below PYTHON_CEILING (the first minor the pins have no wheels for).
PYTHON_MIN = $(shell sed -n 's/^requires-python = ">=\([0-9.]*\),<[0-9.]*"$$/\1/p' pyproject.toml)
PYTHON_CEILING = $(shell sed -n 's/^requires-python = ">=[0-9.]*,<\([0-9.]*\)"$$/\1/p' pyproject.toml)
comma := ,
PYTHON_MIN_TUPLE = $(subst .,$(comma) ,$(PYTHON_MIN))
PYTHON_CEILING_TUPLE = $(subst .,$(comma) ,$(PYTHON_CEILING))
PYTHON_NEWEST = 3.$(shell expr $(word 2,$(subst ., ,$(PYTHON_CEILING))) - 1)

setup: $(STAMP)

# Re-runs only when the pins or the package metadata change; a broken half-install is redone.
# requirements.txt's environment markers pick this platform's packages (CUDA and triton on Linux only).
# uv (pinned in requirements.txt) installs it: with an empty cache it takes about 1.5 minutes where
# pip took 3.5, because it downloads and unpacks in parallel. --compile-bytecode because the grading
# sandbox mounts the environment read-only: without .pyc files there every kernel would compile
# torch's Python afresh.
$(STAMP): pyproject.toml requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -c "import sys; sys.exit(not ($(PYTHON_MIN_TUPLE)) <= sys.version_info < ($(PYTHON_CEILING_TUPLE)))" \
		|| { echo "$(PYTHON) is not Python $(PYTHON_MIN) to $(PYTHON_NEWEST) (pyproject.toml: the pins have no wheels for a newer one): pass PYTHON=python3.x"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "$(UV_PIN)"
	$(BIN)/uv pip install --quiet -p $(BIN)/python --compile-bytecode -r requirements.txt
	$(BIN)/uv pip install --quiet -p $(BIN)/python --compile-bytecode --no-deps -e .
	$(BIN)/jupyter labextension list 2>&1 | grep -q "nbgrader.*enabled" \
		|| { echo "nbgrader's JupyterLab extensions are not enabled"; exit 1; }
	touch $@

# The server's root is the course (so the formgrader finds it); the browser opens notebooks/.
lab: setup
	cd "$(COURSE_ROOT)" && "$(abspath $(BIN))/jupyter" lab --ServerApp.root_dir="$(COURSE_ROOT)" \
		--LabApp.default_url=/lab/tree/notebooks --ServerApp.port=$(PORT) $(ROOT_FLAG) $(LAB_ARGS)

# Lint covers the sources, never notebooks/ or solutions/ (generated; a restyled locked cell breaks
# its nbgrader checksum).
LINT_PATHS := cs_utils tools tests benchmarks scripts notebook_src

lint: setup
	$(BIN)/ruff check $(LINT_PATHS)

# The inner loop: everything not marked slow, and the drift checks of the assignments changed since
# main (a full release sync and every notebook's execution are `make test`'s).
check: lint
	$(BIN)/python -m tools.build_notebooks --check
	$(BIN)/python -m tools.release --check --changed
	CS_QUICK=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest -m "not slow" -n $(TEST_WORKERS) --dist loadfile tests

# Everything but two long tiers: each solution notebook executes once under nbval; the autograding
# tests grade (and Validate) the reference solutions, the untouched releases and the tampering cases.
# --durations names the slowest tests, to keep this within its 10 minutes.
test: setup
	$(BIN)/ruff check $(LINT_PATHS)
	CS_QUICK=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=25 \
		-m "not export_complete and not many_gradings and not student_browser" \
		tests --nbval-lax --nbval-current-env --nbval-cell-timeout=300 solutions

# The grader at class scale (marker many_gradings): every prepared submission of tests/submissions/
# (about 160 gradings), the bad hand-ins and time limits, the canary that stops a broken run, the
# mutants, and two shards grading into one PostgreSQL gradebook at once. Half an hour on 2 cores; CI runs it after `make test`. Each module grades with every core,
# so one at a time. One assignment's cases: CS_ASSIGNMENTS=03_pooling make test-grading.
GRADING_TESTS := tests/test_autograde.py tests/test_grading_robustness.py tests/test_grading_canary.py \
	tests/test_grading_mutation.py tests/test_grading_postgres.py
test-grading: setup
	CS_QUICK=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest -m many_gradings --durations=10 $(GRADING_TESTS)

# The student export, completed with the solutions' answers, passes its own Validator, and a student
# runs, answers and validates notebook 01 in JupyterLab in Chromium: notebooks execute once more in
# both, so this runs beside `make test` (CI runs it after), not inside it.
test-export: setup
	CS_QUICK=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n $(TEST_WORKERS) \
		-m "export_complete or student_browser" tests/test_student_export.py tests/test_lab_browser.py

release: setup
	$(BIN)/python -m tools.build_notebooks
	$(BIN)/python -m tools.release

# What students clone instead of this repository (tools/student_export.py). FORCE=1 replaces what DEST
# holds, keeping DEST/.git, to update a published student repository.
student: setup
	@test -n "$(DEST)" || { echo "usage: make student DEST=folder [FORCE=1]"; exit 1; }
	$(BIN)/python -m tools.student_export "$(DEST)" $(if $(FORCE),--force)

# Refuses to grade without the bubblewrap sandbox (.ci/install-bubblewrap.sh) unless UNCONFINED=1.
# SHARD=K/N grades one share of the students into one PostgreSQL gradebook (DB_URL=postgresql://...
# or CS_GRADEBOOK_URL); docs/grading.md.
autograde: setup
	CS_QUICK=1 $(BIN)/python -m tools.autograde $(SUBMISSIONS) --jobs $(JOBS) $(if $(UNCONFINED),--unconfined) \
		$(if $(SHARD),--shard $(SHARD)) $(if $(DB_URL),--db-url $(DB_URL))

# Speed goals are ratios measured within one run; results are recorded in benchmarks/RESULTS.md.
bench: setup
	$(BIN)/python benchmarks/conv_numpy_vs_torch.py
	CS_QUICK=1 $(BIN)/python benchmarks/bench_autograde.py
	$(BIN)/python benchmarks/gpu_check.py --smoke

# Re-resolve requirements.txt, one file for every platform and Python that requires-python allows, from
# pyproject.toml's ranges (needs the package index). uv keeps the pins already there wherever the ranges
# still allow them; to move some, pass uv's options: `make lock LOCK_ARGS="--upgrade-package ruff"`
# (tests/test_environment.py holds torch's pin). uv comes from a throwaway venv, at the version pinned.
# `uv pip compile` takes the oldest Python to resolve for from --python-version, not from requires-python.
LOCK_ARGS ?=
UV_PIN = $(or $(shell grep -m1 -o '^uv==[^ ;]*' requirements.txt 2>/dev/null),uv)
LOCK_PYTHON = $(PYTHON_MIN)
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet "$(UV_PIN)"
	.venv-lock/bin/uv pip compile pyproject.toml --universal --python-version $(LOCK_PYTHON) --no-header \
		--annotation-style line --output-file requirements.txt $(LOCK_ARGS)
	{ echo "# Exact pins for every platform, with environment markers. Made by \`make lock\`, which ran"; \
	  echo "#   uv pip compile pyproject.toml --universal --python-version $(LOCK_PYTHON) \\"; \
	  echo "#     --output-file requirements.txt$(if $(LOCK_ARGS), $(LOCK_ARGS))"; \
	  echo "# with $(UV_PIN); uv keeps the pins already here wherever pyproject.toml's ranges allow them."; \
	  echo "# The markers pick each platform's packages: the CUDA libraries and triton install on Linux only."; \
	  echo "# \`make setup\` installs this file with \`uv pip install -r requirements.txt\` (pip reads it too); do not edit it by hand."; \
	  cat requirements.txt; } > requirements.txt.tmp && mv requirements.txt.tmp requirements.txt
	rm -rf .venv-lock

# The quick tier on Python 3.12 and 3.13 (pyenv's): a venv each (.venv-3.12, .venv-3.13) made by uv from
# requirements.txt, then cs_utils' unit tests and a NumPy and a torch notebook under nbval. CI runs it after
# `make test`. The venvs are kept and reused; uv's cache shares the wheels (CUDA's included) between them.
TEST_PYTHONS ?= 3.12 3.13
PYENV_ROOT ?= $(shell pyenv root 2>/dev/null || echo "$(HOME)/.pyenv")
.PHONY: test-pythons
test-pythons: setup
	@failed=; for v in $(TEST_PYTHONS); do \
	  py=$$(ls -d "$(PYENV_ROOT)"/versions/$$v.*/bin/python$$v 2>/dev/null | sort -V | tail -n 1); \
	  venv=.venv-$$v; start=$$(date +%s); \
	  echo "== Python $$v ($${py:-not found}) in $$venv"; \
	  { test -n "$$py" || { echo "no Python $$v in $(PYENV_ROOT)/versions: pyenv install $$v" >&2; false; }; } \
	  && { $$venv/bin/python -c "" 2>/dev/null || $(BIN)/uv venv --quiet --clear -p "$$py" $$venv; } \
	  && $(BIN)/uv pip install --quiet -p $$venv/bin/python -r requirements.txt \
	  && $(BIN)/uv pip install --quiet -p $$venv/bin/python --no-deps -e . \
	  && PATH="$(CURDIR)/$$venv/bin:$$PATH" CS_QUICK=1 OMP_NUM_THREADS=1 $$venv/bin/python -m pytest -q \
	     -p no:cacheprovider tests/test_cs_utils.py \
	     --nbval-lax --nbval-current-env solutions/01_convolution solutions/08_lenet_alexnet \
	  || failed="$$failed $$v"; \
	  echo "== Python $$v: $$(( $$(date +%s) - start )) s"; \
	done; \
	test -z "$$failed" || { echo "test-pythons failed on Python$$failed" >&2; exit 1; }

clean-grading:
	rm -rf gradebook.db submitted autograded feedback grades.csv autograde_work autograde_logs grades_report.md \
		autograde.csv autograde_lms.csv autograde_report.md autograde_results.json autograde.shard-*
