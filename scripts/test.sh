#!/usr/bin/env bash
# The README's second command: install, start the real services the tests need
# on 127.0.0.1, and run the whole test suite (once on SQLite, once on PostgreSQL).
# .ci/run runs exactly this. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
.venv/bin/ruff check .
.venv/bin/ruff format --check --quiet .

export EVIDENCE_TEST_PG_URL
EVIDENCE_TEST_PG_URL=$(tests/postgres/start.sh)

echo "== test suite on SQLite =="
EVIDENCE_TEST_DB=sqlite .venv/bin/python -m pytest "$@"
echo "== test suite on PostgreSQL =="
EVIDENCE_TEST_DB=postgresql .venv/bin/python -m pytest "$@"
