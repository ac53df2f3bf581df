#!/usr/bin/env bash
# Stops the test OpenID Connect provider that start.sh started (same OIDC_PORT).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PID_FILE="$HERE/.run/provider-${OIDC_PORT:-9400}.pid"
[ -f "$PID_FILE" ] || exit 0
pid=$(cat "$PID_FILE")
if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q provider.mjs; then
  kill "$pid"
fi
rm -f "$PID_FILE"
