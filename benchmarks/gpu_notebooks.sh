#!/usr/bin/env bash
# Notebooks 08-12 on a CUDA GPU, and gpu_check.py, in one command (issue 13); no internet needed.
#
#   bash benchmarks/gpu_notebooks.sh               # on a machine with one CUDA GPU: at most 8 minutes
#   bash benchmarks/gpu_notebooks.sh --dry-run     # anywhere: checks the set-up, runs nothing heavy
#
# On a machine with torch but without the notebook tooling and no package index (the GPU machine lent
# through the device tool), fetch the missing wheels here first with `python scripts/gpu_wheels.py`;
# they travel with the working tree and `--wheels .gpu-wheels` installs them there. The one call:
#   run(carry=[".gpu-wheels"], timeout_s=570, command="set -o pipefail; bash benchmarks/gpu_notebooks.sh
#       --wheels .gpu-wheels --out-dir $OUT/raw 2>&1 | tee $OUT/log; s=$?; cp benchmarks/RESULTS.md $OUT/; exit $s")
# then copy $OUT's RESULTS.md over benchmarks/RESULTS.md here and commit it.
#
# 1. executes the solution notebooks 08-12 under nbval (--nbval-lax: every cell must run without an
#    error) with CS_QUICK=1, i.e. on the offline data (the MNIST subset and synthetic CIFAR-shaped
#    tensors), on CUDA: the notebooks' own models, cs_utils.training.fit and the precision policy;
# 2. runs benchmarks/gpu_check.py in full mode with the time left;
# 3. appends a dated table to benchmarks/RESULTS.md (section "Notebooks 08–12 on a GPU"): device,
#    versions, date, per-notebook result and time, the accuracies and precision the notebooks print,
#    and gpu_check's summary. scripts/gpu_notebooks_report.py does the measuring and the writing.
#
# Options:
#   --dry-run        no GPU needed: check python, pytest, nbval, torch and the notebooks, print the
#                    plan, and write a table marked DRY RUN (nothing measured) to --results, which
#                    then defaults to a temporary file, never benchmarks/RESULTS.md
#   --results FILE   where the table goes (default benchmarks/RESULTS.md)
#   --out-dir DIR    where the raw JSON reports go (default: a new temporary folder)
#   --budget-s N     the whole run's time limit in seconds (default 480)
#   --wheels DIR     first install DIR's wheels (scripts/gpu_wheels.py) into a temporary folder put on
#                    PYTHONPATH, without an index and without touching the machine's own packages
# Environment: PYTHON (default .venv/bin/python, else python3).
# Exit status: 0 when every notebook passed and gpu_check finished; 1 otherwise (the table is written
# either way); 2 for a bad set-up (no GPU, missing packages or notebooks).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

NOTEBOOKS=(08_lenet_alexnet 09_vgg 10_googlenet 11_resnet 12_complexity)
DRY_RUN=0
RESULTS=""
OUT_DIR=""
BUDGET_S=480
WHEELS=""

die() {
    echo "gpu_notebooks.sh: error: $*" >&2
    exit 2
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --dry-run) DRY_RUN=1 ;;
        --results) [[ $# -ge 2 ]] || die "--results needs a file"; RESULTS="$2"; shift ;;
        --out-dir) [[ $# -ge 2 ]] || die "--out-dir needs a folder"; OUT_DIR="$2"; shift ;;
        --wheels) [[ $# -ge 2 ]] || die "--wheels needs a folder"; WHEELS="$2"; shift ;;
        --budget-s) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || die "--budget-s needs whole seconds"
                    BUDGET_S="$2"; shift ;;
        -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift
done

START=$(date +%s)
elapsed() { echo $(( $(date +%s) - START )); }

# --- the set-up ---------------------------------------------------------------------------------
if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON="$(command -v python3 || true)"; fi
fi
[[ -n "$PYTHON" ]] && command -v "$PYTHON" > /dev/null || die "no Python found; set PYTHON=/path/to/python"
if [[ -n "$WHEELS" ]]; then
    compgen -G "$WHEELS/*.whl" > /dev/null || die "no wheels in '$WHEELS' (python scripts/gpu_wheels.py makes them)"
    SITE="${TMPDIR:-/tmp}/gpu_notebooks_site"
    rm -rf "$SITE"
    "$PYTHON" -m pip install --quiet --no-index --no-deps --no-compile --no-cache-dir --disable-pip-version-check \
        --target "$SITE" "$WHEELS"/*.whl || die "could not install the wheels in '$WHEELS' into $SITE"
    export PYTHONPATH="$SITE${PYTHONPATH:+:$PYTHONPATH}"
    echo "installed $(ls "$WHEELS"/*.whl | wc -l) wheels from $WHEELS into $SITE"
fi
# Every module the run imports is looked up, and the kernel's compiled parts imported, so that a
# missing one stops the run here, named, and not in every notebook after minutes.
"$PYTHON" scripts/gpu_wheels.py --check || die "$PYTHON lacks what the run imports (above). make setup installs it;
    on a machine without a package index: python scripts/gpu_wheels.py here, then --wheels .gpu-wheels there"
command -v timeout > /dev/null || die "the 'timeout' command (GNU coreutils) is missing"
for nb in "${NOTEBOOKS[@]}"; do
    [[ -f "solutions/$nb/$nb.ipynb" ]] || die "solutions/$nb/$nb.ipynb is missing (python -m tools.build_notebooks)"
done
[[ -f benchmarks/gpu_check.py ]] || die "benchmarks/gpu_check.py is missing"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"   # cs_utils and the scripts.* pytest plugin
export CS_QUICK=1 MPLBACKEND=Agg                       # offline data; no figure windows

if [[ $DRY_RUN -eq 0 ]]; then
    "$PYTHON" - <<'EOF' || die "no usable CUDA GPU (see above); use --dry-run to check the set-up without one"
import sys, torch
if not torch.cuda.is_available():
    sys.exit(f"torch {torch.__version__} (CUDA build {torch.version.cuda}) sees no CUDA GPU: "
             "no GPU, or a driver too old for this build (compare nvidia-smi's 'CUDA Version')")
torch.zeros(1, device="cuda").sum().item()  # CUDA really starts
print(f"GPU: {torch.cuda.get_device_name(0)}, torch {torch.__version__}, CUDA {torch.version.cuda}")
EOF
fi

[[ -n "$OUT_DIR" ]] || OUT_DIR="$(mktemp -d "${TMPDIR:-/tmp}/gpu_notebooks.XXXXXX")"
mkdir -p "$OUT_DIR"
if [[ -z "$RESULTS" ]]; then
    if [[ $DRY_RUN -eq 1 ]]; then RESULTS="$OUT_DIR/RESULTS.dry-run.md"; else RESULTS=benchmarks/RESULTS.md; fi
fi

NB_PATHS=()
for nb in "${NOTEBOOKS[@]}"; do NB_PATHS+=("solutions/$nb/$nb.ipynb"); done
NB_LIMIT=$(( BUDGET_S * 5 / 8 ))      # 300 s of 480 for the notebooks, the rest for gpu_check
NB_CMD=("$PYTHON" -m pytest -q -p scripts.gpu_notebooks_report --notebook-report "$OUT_DIR/notebooks.json"
        --nbval-lax --nbval-current-env --nbval-cell-timeout="$NB_LIMIT" "${NB_PATHS[@]}")

if [[ $DRY_RUN -eq 1 ]]; then
    echo "dry run: the set-up is complete; a GPU run would execute, with CS_QUICK=1:"
    echo "  timeout ${NB_LIMIT}s ${NB_CMD[*]}"
    echo "  timeout <the time left>s $PYTHON benchmarks/gpu_check.py --out $OUT_DIR/gpu_check.json --time-limit-s <less>"
    echo "  $PYTHON scripts/gpu_notebooks_report.py write ... --results $RESULTS"
    "$PYTHON" scripts/gpu_notebooks_report.py write --dry-run --results "$RESULTS" \
        --notebooks "$OUT_DIR/none.json" > /dev/null
    echo "dry run: wrote an empty table (no numbers) to $RESULTS"
    exit 0
fi

# --- 1. the notebooks ---------------------------------------------------------------------------
echo "== notebooks 08-12 under nbval on CUDA (CS_QUICK=1), at most ${NB_LIMIT} s"
set +e
timeout --kill-after=15 "$NB_LIMIT" "${NB_CMD[@]}"
NB_RC=$?
set -e
echo "== notebooks: exit status $NB_RC after $(elapsed) s"

# --- 2. gpu_check.py, full mode, in the time left -----------------------------------------------
LEFT=$(( BUDGET_S - $(elapsed) - 20 ))   # 20 s for writing the table
GC_RC=0
if [[ $LEFT -lt 60 ]]; then
    echo "== gpu_check.py skipped: only ${LEFT} s left of ${BUDGET_S}" >&2
    GC_RC=124
else
    SOFT=$(( LEFT - 90 > 30 ? LEFT - 90 : 30 ))   # no new part after SOFT s; the part running may finish
    echo "== gpu_check.py (full mode), at most ${LEFT} s, no new part after ${SOFT} s"
    set +e
    timeout --kill-after=10 "$LEFT" "$PYTHON" benchmarks/gpu_check.py --out "$OUT_DIR/gpu_check.json" \
        --time-limit-s "$SOFT"
    GC_RC=$?
    set -e
fi

# --- 3. the table -------------------------------------------------------------------------------
"$PYTHON" scripts/gpu_notebooks_report.py write --results "$RESULTS" --notebooks "$OUT_DIR/notebooks.json" \
    --gpu-check "$OUT_DIR/gpu_check.json" --total-seconds "$(elapsed)" --notebooks-rc "$NB_RC" \
    --gpu-check-rc "$GC_RC"
echo "== done in $(elapsed) s; raw reports in $OUT_DIR"
if [[ $NB_RC -ne 0 || $GC_RC -ne 0 ]]; then
    echo "gpu_notebooks.sh: notebooks exit status $NB_RC, gpu_check exit status $GC_RC" >&2
    exit 1
fi
