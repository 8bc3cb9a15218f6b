#!/usr/bin/env bash
# Headless Chromium for the JupyterLab browser test (tests/test_lab_browser.py); Playwright drives
# this executable, so no browser download is needed. Idempotent.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
chromium --version
