#!/usr/bin/env bash
# Grading sandbox (docs/grading.md): bubblewrap from Debian, and the unprivileged user the grading
# kernels run as. Idempotent; needs root (CI) or sudo.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v bwrap >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq bubblewrap >/dev/null
fi
# cs-grader-<slot>: one user per grading worker (tools/autograde.py --jobs), so that a submission
# that fills its process limit (counted per user) cannot stop another worker's kernels; cs-grader
# is the shared fallback. Slots: CS_GRADER_SLOTS, default the number of cores, at least 8.
slots=${CS_GRADER_SLOTS:-$(nproc)}
[ "$slots" -ge 8 ] || slots=8
for user in cs-grader $(seq -f "cs-grader-%g" 0 $((slots - 1))); do
  if ! id "$user" >/dev/null 2>&1; then
    $SUDO useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
  fi
done
# Check that the sandbox really starts here (user namespaces must be allowed).
$SUDO setpriv --reuid=cs-grader --regid=cs-grader --clear-groups \
  bwrap --ro-bind / / --unshare-all --die-with-parent --proc /proc --dev /dev true \
  && echo "bubblewrap sandbox: ok ($(bwrap --version))" \
  || { echo "bubblewrap is installed but cannot create namespaces here" >&2; exit 1; }
