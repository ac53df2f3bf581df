#!/usr/bin/env bash
# The README's second command: install, build the web app, start the real services
# the tests need on 127.0.0.1 (PostgreSQL, Elasticsearch, an OpenID Connect provider for
# single sign-on, Chromium for the browser tests), and run the whole test suite: the web
# app's API types checked against the backend's schema, its lint, format and unit tests,
# then the Python suite (API, engines, browser end to end) once with SQLite as the
# database, once with PostgreSQL, both at the same time (scripts/test-python.sh); then
# the API checks against a real server on PostgreSQL and Elasticsearch, about 4 minutes
# (scripts/api-checks.sh: a load test of 50 coders, schemathesis against the OpenAPI
# schema). .ci/run runs exactly this. Extra arguments go to pytest, and then only the
# chosen tests run, without the API checks.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
.venv/bin/ruff check .
.venv/bin/ruff format --check --quiet .
.venv/bin/mypy  # fully annotated code: the packages in pyproject.toml's [tool.mypy] files
scripts/api-types.sh --check
scripts/build-web.sh --strict
echo "== web lint (ESLint, type-aware), format (Prettier), unit tests (Vitest) =="
(cd web && npm run --silent lint && npm run --silent format:check && npm test --silent)

export EVIDENCE_TEST_PG_URL EVIDENCE_TEST_ES_URL EVIDENCE_TEST_CHROMIUM EVIDENCE_TEST_OIDC_URL
EVIDENCE_TEST_PG_URL=$(tests/postgres/start.sh)
EVIDENCE_TEST_ES_URL=$(tests/elasticsearch/start.sh)
EVIDENCE_TEST_OIDC_URL=$(tests/oidc/start.sh)
EVIDENCE_TEST_CHROMIUM=$(tests/web/chromium.sh)

# Both run whatever the other's result, so one CI run reports every failure; they run
# one after the other because the load test's numbers would otherwise measure the suite.
python_status=0
scripts/test-python.sh "$@" || python_status=$?
checks_status=0
if [ "$#" = 0 ]; then
  scripts/api-checks.sh || checks_status=$?
else
  # Arguments pick some tests (`scripts/test.sh -k search`); CI gives none.
  echo "== API checks not run: pytest arguments given (scripts/api-checks.sh runs them) =="
fi
[ "$python_status" = 0 ] && [ "$checks_status" = 0 ]
