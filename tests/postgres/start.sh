#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server for the tests on 127.0.0.1 (Debian's packages;
# installs them when missing). Idempotent. Prints the admin URL.
set -euo pipefail
PORT=${PG_PORT:-54329}
DIR=${PG_DIR:-/tmp/evidence-test-pg}

if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "installing PostgreSQL from Debian's packages..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

as_owner() {
  # PostgreSQL refuses to run as root; CI runs as root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if "$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q; then
  echo "postgresql://postgres@127.0.0.1:$PORT/postgres"
  exit 0
fi
mkdir -p "$DIR"
[ "$(id -u)" = 0 ] && chown postgres "$DIR"
if [ ! -f "$DIR/PG_VERSION" ]; then
  as_owner "$BIN/initdb" -D "$DIR" -A trust -U postgres -E UTF8 --no-sync >/dev/null
fi
# Durability is pointless for test data; speed is not.
as_owner "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 start -o \
  "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
   -c full_page_writes=off -c max_connections=300" >/dev/null
echo "postgresql://postgres@127.0.0.1:$PORT/postgres"
