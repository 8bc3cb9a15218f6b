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
if ! id cs-grader >/dev/null 2>&1; then
  $SUDO useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin cs-grader
fi
# Check that the sandbox really starts here (user namespaces must be allowed).
$SUDO setpriv --reuid=cs-grader --regid=cs-grader --clear-groups \
  bwrap --ro-bind / / --unshare-all --die-with-parent --proc /proc --dev /dev true \
  && echo "bubblewrap sandbox: ok ($(bwrap --version))" \
  || { echo "bubblewrap is installed but cannot create namespaces here" >&2; exit 1; }
