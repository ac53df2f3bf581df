#!/usr/bin/env bash
# The Python suite on both databases at once: two pytest processes, one with
# EVIDENCE_TEST_DB=sqlite, one with EVIDENCE_TEST_DB=postgresql. The app's tests run on
# the default embedded search engine (tantivy) in the first and on the SQLite FTS5
# engine in the second (EVIDENCE_TEST_SEARCH), so the whole suite runs on each; the
# search contract (tests/search) runs every engine in both. A test spends most of
# its time waiting (for PostgreSQL, Elasticsearch, Chromium, a subprocess, the disk),
# so the two runs overlap well even on 2 cores (numbers in README, "Tests").
# They share nothing that could clash: every test has its own database, data folder,
# Elasticsearch index prefix and port 0 listener; each run has its own pytest cache.
#
# Output stays readable: SQLite's run prints as it goes; PostgreSQL's goes to
# test-artifacts/pytest-postgresql.log and is printed after, followed live if it is
# still running. The exit status is non-zero when either run failed.
# Usage: scripts/test-python.sh [pytest arguments]   (scripts/test.sh calls it after
# starting the services; EVIDENCE_TEST_PG_URL/_ES_URL/_CHROMIUM come from there)
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
pg_log=test-artifacts/pytest-postgresql.log

run() {  # run <database> <embedded search engine> <pytest arguments...>
  local db=$1 engine=$2
  shift 2
  EVIDENCE_TEST_DB=$db EVIDENCE_TEST_SEARCH=$engine \
    .venv/bin/python -m pytest -o cache_dir=".pytest_cache/$db" "$@"
}

# The log keeps colours when it will be shown on a terminal.
color=no
[ -t 1 ] && color=yes
run postgresql sqlite --color="$color" "$@" >"$pg_log" 2>&1 &
pg_pid=$!
# Ctrl-C or a failure here must not leave the PostgreSQL run behind.
trap 'kill "$pg_pid" 2>/dev/null' EXIT

echo "== test suite on SQLite, search on tantivy (PostgreSQL with FTS5 runs alongside; its output follows) =="
run sqlite tantivy "$@"
sqlite_status=$?

echo "== test suite on PostgreSQL, search on FTS5 (log: $pg_log) =="
tail -n +1 --pid="$pg_pid" -f "$pg_log"
wait "$pg_pid"
pg_status=$?
trap - EXIT

verdict() { [ "$1" = 0 ] && echo "passed" || echo "FAILED (exit $1)"; }
echo "== Python suite: SQLite + tantivy $(verdict "$sqlite_status"), PostgreSQL + FTS5 $(verdict "$pg_status") =="
[ "$sqlite_status" = 0 ] && [ "$pg_status" = 0 ]
