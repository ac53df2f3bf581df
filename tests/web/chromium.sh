#!/usr/bin/env bash
# The browser for the end-to-end tests: Debian's Chromium (Playwright cannot
# download its own browsers here). Installs it if missing; prints its path.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium (Debian package)..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
command -v chromium
