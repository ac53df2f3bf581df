#!/usr/bin/env bash
# The README's second command: install, build the web app, start the real services
# the tests need on 127.0.0.1 (PostgreSQL, Elasticsearch, Chromium for the browser
# tests), and run the whole test suite: the web app's unit tests, then the Python
# suite (API, engines, browser end to end) once with SQLite as the database, once
# with PostgreSQL.
# .ci/run runs exactly this. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
.venv/bin/ruff check .
.venv/bin/ruff format --check --quiet .
scripts/build-web.sh --strict
echo "== web unit tests (Vitest) =="
(cd web && npm test --silent)

export EVIDENCE_TEST_PG_URL EVIDENCE_TEST_ES_URL EVIDENCE_TEST_CHROMIUM
EVIDENCE_TEST_PG_URL=$(tests/postgres/start.sh)
EVIDENCE_TEST_ES_URL=$(tests/elasticsearch/start.sh)
EVIDENCE_TEST_CHROMIUM=$(tests/web/chromium.sh)

echo "== test suite on SQLite =="
EVIDENCE_TEST_DB=sqlite .venv/bin/python -m pytest "$@"
echo "== test suite on PostgreSQL =="
EVIDENCE_TEST_DB=postgresql .venv/bin/python -m pytest "$@"
