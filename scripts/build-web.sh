#!/usr/bin/env bash
# Builds the web app into web/dist when it is missing or stale: the hash of web/src,
# its configs and package-lock.json differs from web/dist/.build-stamp
# (web/scripts/stamp.mjs). Packages come from the npm registry at build time only;
# nothing is fetched at run time.
# Usage: scripts/build-web.sh [--strict]   (--strict: fail when Node is missing or the
# build fails; without it, warn and carry on, so the API can still start)
set -euo pipefail
cd "$(dirname "$0")/.."
strict=0
[ "${1:-}" = "--strict" ] && strict=1

fail() {
  echo "$1" >&2
  [ "$strict" = 1 ] && exit 1
  exit 0
}

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
  fail "warning: Node.js (>= 20.19) and npm are needed to build the web app"
if node web/scripts/stamp.mjs check >/dev/null 2>&1; then
  exit 0
fi
echo "Building the web app (npm ci && npm run build in web/)..." >&2
(cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent) >&2 ||
  fail "warning: the web app build failed"
