#!/usr/bin/env bash
# CI's API checks (scripts/test.sh runs them after the Python suite), against a real
# `evidence serve` on 127.0.0.1 with PostgreSQL and Elasticsearch, the team deployment's
# stack, holding the shared corpus, an administrator and 50 coders:
#  1. a load test: 50 simulated coders reading, searching and annotating for
#     LOAD_SECONDS (120): no request may fail; p95 per endpoint goes to
#     test-artifacts/api-checks/load.md (numbers in README, "API checks");
#  2. schemathesis against the OpenAPI schema for FUZZ_SECONDS (60): no server error,
#     every status code, content type, header and body as the schema declares.
# About 4 minutes in all. Semantic search is off (EMBEDDING_MODEL=off): embedding the
# corpus takes minutes of CPU on a small CI machine, and neither check needs vectors
# (the Python suite tests semantic search on both databases).
# Needs EVIDENCE_TEST_PG_URL and EVIDENCE_TEST_ES_URL (scripts/test.sh starts both).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${EVIDENCE_TEST_PG_URL:?start PostgreSQL first (tests/postgres/start.sh)}"
: "${EVIDENCE_TEST_ES_URL:?start Elasticsearch first (tests/elasticsearch/start.sh)}"
LOAD_SECONDS=${LOAD_SECONDS:-120}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
out=test-artifacts/api-checks
mkdir -p "$out"
work=$(mktemp -d)
export EVIDENCE_DATA_DIR="$work/data" EMBEDDING_MODEL=off
export DATABASE_URL="${EVIDENCE_TEST_PG_URL%/*}/ew_api_checks_$$"
# A shared node from an older checkout lacks the folding char filter: then this
# checkout's own node (tests/elasticsearch/node.py, as the tests' fixture does).
ELASTICSEARCH_URL=$(.venv/bin/python -c 'import sys; from tests.elasticsearch.node import current_node; print(current_node(sys.argv[1]))' "$EVIDENCE_TEST_ES_URL")
export SEARCH_ENGINE=elasticsearch ELASTICSEARCH_URL
export ELASTICSEARCH_INDEX_PREFIX="api-checks-$$"
port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
server=""

cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; fi
  .venv/bin/python -m tests.api_checks.target drop || true
  for index in $(curl -s "$ELASTICSEARCH_URL/_cat/indices/$ELASTICSEARCH_INDEX_PREFIX-*?h=index"); do
    curl -s -o /dev/null -X DELETE "$ELASTICSEARCH_URL/$index"
  done
  rm -rf "$work"
}
trap cleanup EXIT

echo "== API checks: seeding (corpus, 1 administrator, 50 coders) =="
if ! .venv/bin/python -m tests.api_checks.target seed "$work/state.json" >"$out/seed.log" 2>&1; then
  echo "seeding failed (test-artifacts/api-checks/seed.log):" >&2
  tail -n 20 "$out/seed.log" >&2
  exit 1
fi
.venv/bin/evidence serve --port "$port" >"$out/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -fs "$url/api/health" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "$url/api/health" >/dev/null

echo "== API checks: load test, 50 coders for ${LOAD_SECONDS} s =="
# The server's CPU time (all its threads) over the run: per request it does not depend
# on what else the machine is doing, unlike the response times.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
before=$(cpu_ticks)
LOAD_STATE="$work/state.json" .venv/bin/locust -f tests/api_checks/locustfile.py --headless \
  --users 50 --spawn-rate 10 --run-time "${LOAD_SECONDS}s" --host "$url" \
  --csv "$out/load" --only-summary --loglevel WARNING >"$out/locust.log" 2>&1 || true
server_cpu=$(awk -v a="$before" -v b="$(cpu_ticks)" -v hz="$(getconf CLK_TCK)" \
  'BEGIN { printf "%.1f", (b - a) / hz }')
load_status=0
.venv/bin/python -m tests.api_checks.report "$out/load_stats.csv" "$server_cpu" |
  tee "$out/load.md" || load_status=$?
uptime | tee -a "$out/load.md"

echo "== API checks: schemathesis for ${FUZZ_SECONDS} s =="
state() { .venv/bin/python -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/state.json" "$1"; }
export API_TOKEN PROJECT_ID SPARE_USER_ID SPARE_TOKEN_ID DOCUMENT_ID CODE_ID ANNOTATION_ID \
  THEORY_ID CMOC_ID ROUND_ID
API_TOKEN=$(state token) PROJECT_ID=$(state project_id)
SPARE_USER_ID=$(state spare_user_id) SPARE_TOKEN_ID=$(state spare_token_id)
DOCUMENT_ID=$(state document_id) CODE_ID=$(state code_id) ANNOTATION_ID=$(state annotation_id)
THEORY_ID=$(state theory_id) CMOC_ID=$(state cmoc_id) ROUND_ID=$(state round_id)
fuzz_status=0
# One worker: with two threads, Hypothesis describing a lambda hit CPython 3.11's "AST
# constructor recursion depth mismatch" (concurrent ast parsing), a tool error, not ours.
.venv/bin/schemathesis --config-file tests/api_checks/schemathesis.toml run "$url/api/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --max-time "$FUZZ_SECONDS" --workers 1 --no-color --report junit --report-dir "$out" \
  || fuzz_status=$?

if grep -q "Traceback" "$out/server.log"; then
  echo "the server logged a traceback (test-artifacts/api-checks/server.log):" >&2
  grep -m 3 -A 15 "Traceback" "$out/server.log" >&2
  fuzz_status=1
fi
echo "== API checks: load test $([ $load_status = 0 ] && echo passed || echo FAILED)," \
  "schemathesis $([ $fuzz_status = 0 ] && echo passed || echo FAILED), ${SECONDS} s in all =="
[ "$load_status" = 0 ] && [ "$fuzz_status" = 0 ]
