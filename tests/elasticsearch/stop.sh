#!/usr/bin/env bash
# Stop the test Elasticsearch started by start.sh (same ES_PORT / ES_DATA_DIR) and wait for it to exit.
# The data folder is kept, so start.sh brings the same indices back.
#
# Environment: ES_PORT (default 9200), ES_DATA_DIR (default <this folder>/.run/node-$ES_PORT),
#              ES_STOP_TIMEOUT seconds before falling back to SIGKILL (default 60).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ES_PORT="${ES_PORT:-9200}"
ES_DATA_DIR="${ES_DATA_DIR:-$HERE/.run/node-$ES_PORT}"
ES_STOP_TIMEOUT="${ES_STOP_TIMEOUT:-60}"
[[ -d "$ES_DATA_DIR" ]] && ES_DATA_DIR="$(cd "$ES_DATA_DIR" && pwd)"
PID_FILE="$ES_DATA_DIR/node.pid"

log() { echo "[es-test] $*" >&2; }
# running and not a zombie
running() {
    kill -0 "$1" 2>/dev/null || return 1
    [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]
}

if [[ ! -f "$PID_FILE" ]]; then
    log "not running (no pid file at $PID_FILE)"
    exit 0
fi
pid="$(cat "$PID_FILE" 2>/dev/null || true)"
if [[ -z "$pid" ]] || ! running "$pid"; then
    log "not running (stale pid file for pid ${pid:-?}); removing it"
    rm -f "$PID_FILE"
    exit 0
fi
# Never signal a recycled pid that is not our launcher.
if [[ -r "/proc/$pid/cmdline" ]] && ! tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q 'workbench.estest.Launcher'; then
    log "pid $pid from $PID_FILE is not the test Elasticsearch; removing the stale pid file"
    rm -f "$PID_FILE"
    exit 0
fi

log "stopping Elasticsearch (pid $pid)"
kill -TERM "$pid"
deadline=$((SECONDS + ES_STOP_TIMEOUT))
while running "$pid"; do
    if (( SECONDS >= deadline )); then
        log "still running after ${ES_STOP_TIMEOUT}s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 1
        break
    fi
    sleep 0.2
done
rm -f "$PID_FILE"
log "stopped"
