#!/usr/bin/env bash
# The README's first command: install, build the web app if needed, then start the
# service on the embedded default (SQLite + FTS5 in ./data) at http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Without Node, or if the build fails, the API still starts (with a placeholder page).
scripts/build-web.sh
exec .venv/bin/evidence serve "$@"
