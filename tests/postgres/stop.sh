#!/usr/bin/env bash
# Stops the test PostgreSQL server started by start.sh.
set -euo pipefail
DIR=${PG_DIR:-/tmp/evidence-test-pg}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
[ -f "$DIR/postmaster.pid" ] || exit 0
if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR" -m fast stop
else "$BIN/pg_ctl" -D "$DIR" -m fast stop; fi
