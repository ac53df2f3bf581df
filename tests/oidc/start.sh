#!/usr/bin/env bash
# Starts the test OpenID Connect provider (panva's oidc-provider on Node.js, see
# provider.mjs) on 127.0.0.1, installing it from the npm registry when missing.
# Idempotent. Prints the issuer URL (only that goes to stdout).
#   OIDC_PORT  port (default 9400)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT=${OIDC_PORT:-9400}
ISSUER="http://127.0.0.1:$PORT"
RUN="$HERE/.run"
mkdir -p "$RUN"

answers() { curl -s -m 3 "$ISSUER/.well-known/openid-configuration" 2>/dev/null | grep -q "\"issuer\":\"$ISSUER\""; }

if answers; then
  echo "$ISSUER"
  exit 0
fi
command -v node >/dev/null || { echo "node is required (Node.js 20+)" >&2; exit 1; }
if [ ! -d "$HERE/node_modules/oidc-provider" ] || [ "$HERE/package-lock.json" -nt "$HERE/node_modules/.package-lock.json" ]; then
  echo "installing the test OIDC provider from the npm registry..." >&2
  (cd "$HERE" && npm ci --no-audit --no-fund --silent >&2)
fi
nohup node "$HERE/provider.mjs" --port "$PORT" >"$RUN/provider-$PORT.log" 2>&1 </dev/null &
echo $! >"$RUN/provider-$PORT.pid"
for _ in $(seq 1 100); do
  if answers; then
    echo "$ISSUER"
    exit 0
  fi
  kill -0 "$(cat "$RUN/provider-$PORT.pid")" 2>/dev/null || break
  sleep 0.2
done
echo "the test OIDC provider did not start; its log:" >&2
cat "$RUN/provider-$PORT.log" >&2
exit 1
