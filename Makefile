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

.PHONY: setup lab check lint test release autograde bench lock clean-grading help

help:
	@echo "make lab        set up, then open JupyterLab on notebooks/ (students)"
	@echo "make check      the contributor's inner loop (about 2 min): lint, unit and static tests, drift of what changed"
	@echo "make test       set up, then run every test in quick mode (contributors, CI)"
	@echo "make release    rebuild solutions/ from notebook_src/ and notebooks/ from solutions/"
	@echo "make autograde  grade SUBMISSIONS=folder (nbgrader layout, folders or zips) in quick mode, sandboxed"
	@echo "make bench      speed ratios (benchmarks/)"

setup: $(STAMP)

# Re-runs only when the pins or the package metadata change; a broken half-install is redone.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -r constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/jupyter labextension list 2>&1 | grep -q "nbgrader.*enabled" \
		|| { echo "nbgrader's JupyterLab extensions are not enabled"; exit 1; }
	touch $@

# The server's root is the course (so the formgrader finds it); the browser opens notebooks/.
lab: setup
	cd "$(COURSE_ROOT)" && "$(abspath $(BIN))/jupyter" lab --ServerApp.root_dir="$(COURSE_ROOT)" \
		--LabApp.default_url=/lab/tree/notebooks --ServerApp.port=$(PORT) $(ROOT_FLAG) $(LAB_ARGS)

# Lint covers the sources, never notebooks/ or solutions/ (generated; a restyled locked cell breaks
# its nbgrader checksum).
LINT_PATHS := cs_utils tools tests benchmarks notebook_src

lint: setup
	$(BIN)/ruff check $(LINT_PATHS)

# The inner loop: everything not marked slow, and the drift checks of the assignments changed since
# main (a full release sync and every notebook's execution are `make test`'s).
check: lint
	$(BIN)/python -m tools.build_notebooks --check
	$(BIN)/python -m tools.release --check --changed
	CS_QUICK=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest -m "not slow" -n $(TEST_WORKERS) tests

# Everything: each solution notebook executes once under nbval; the autograding tests grade (and
# Validate) the executed copies of their own.
test: setup
	$(BIN)/ruff check $(LINT_PATHS)
	CS_QUICK=1 OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile tests \
		--nbval-lax --nbval-current-env --nbval-cell-timeout=300 solutions

release: setup
	$(BIN)/python -m tools.build_notebooks
	$(BIN)/python -m tools.release

# Refuses to grade without the bubblewrap sandbox unless UNCONFINED=1 (docs/grading.md).
autograde: setup
	CS_QUICK=1 $(BIN)/python -m tools.autograde $(SUBMISSIONS) --jobs $(JOBS) $(if $(UNCONFINED),--unconfined)

# Speed goals are ratios measured within one run; results are recorded in benchmarks/RESULTS.md.
bench: setup
	$(BIN)/python benchmarks/conv_numpy_vs_torch.py
	CS_QUICK=1 $(BIN)/python benchmarks/bench_autograde.py
	$(BIN)/python benchmarks/gpu_check.py --smoke

# Regenerate the exact pins from a fresh resolve of pyproject.toml's ranges (needs the package index).
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade "pip>=24"
	.venv-lock/bin/python -m pip install --quiet .
	.venv-lock/bin/python -m pip freeze --all --exclude cs-utils --exclude pip | sort -f > constraints.txt
	rm -rf .venv-lock

clean-grading:
	rm -rf gradebook.db submitted autograded feedback grades.csv autograde_work autograde_logs grades_report.md
