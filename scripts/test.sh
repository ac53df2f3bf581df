#!/usr/bin/env bash
# The README's second command: install, start the real services the tests need
# on 127.0.0.1, and run the whole test suite. .ci/run runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
