#!/usr/bin/env bash
# The README's second command: install, start the real services the tests need
# on 127.0.0.1 (PostgreSQL, Elasticsearch), and run the whole test suite: once with
# SQLite as the database, once with PostgreSQL.
# .ci/run runs exactly this. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
.venv/bin/ruff check .
.venv/bin/ruff format --check --quiet .

export EVIDENCE_TEST_PG_URL EVIDENCE_TEST_ES_URL
EVIDENCE_TEST_PG_URL=$(tests/postgres/start.sh)
EVIDENCE_TEST_ES_URL=$(tests/elasticsearch/start.sh)

echo "== test suite on SQLite =="
EVIDENCE_TEST_DB=sqlite .venv/bin/python -m pytest "$@"
echo "== test suite on PostgreSQL =="
EVIDENCE_TEST_DB=postgresql .venv/bin/python -m pytest "$@"
