#!/usr/bin/env bash
# The README's first command: install, then start the service on the embedded default
# (SQLite + FTS5 in ./data) at http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

# The web app (web/dist, served at /): rebuilt when missing or stale, i.e. when the hash
# of web/src, its configs and package-lock.json differs from web/dist/.build-stamp.
# Needs Node.js >= 20.19 and npm (packages come from the npm registry; nothing is
# fetched at run time). Without them, or if the build fails, the API still starts.
if [ -f web/package.json ]; then
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    if ! node web/scripts/stamp.mjs check >/dev/null 2>&1; then
      echo "Building the web app (npm ci && npm run build in web/)..."
      if ! (cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent); then
        echo "warning: the web app build failed; serving the API and any previous build" >&2
      fi
    fi
  elif [ ! -f web/dist/index.html ]; then
    echo "warning: Node.js and npm are needed to build the web app; serving the API only" >&2
  fi
fi
exec .venv/bin/evidence serve "$@"
