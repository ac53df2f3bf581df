#!/usr/bin/env bash
# Writes the Python lock files from pyproject.toml (plus requirements/build.in, the tools
# that install the project itself): every transitive dependency at one exact version,
# with the sha256 of each of its files on PyPI, for Linux, macOS and Windows on Python
# 3.11 and 3.12. scripts/setup.sh installs from them with pip --require-hashes.
#   requirements/test.lock   the service and the test tools (scripts/test.sh, CI)
#   requirements/app.lock    the service alone (scripts/serve.sh, the Docker image),
#                            at the same versions as test.lock
# Run it after changing a dependency in pyproject.toml and commit the lock files with
# that change (a rebase conflict in them: take main's, then run this again).
# Versions already locked are kept; to move them: scripts/lock.sh --upgrade, or
# scripts/lock.sh --upgrade-package NAME. The resolver is uv, pinned here, installed
# from PyPI into .venv/tools (not into the locked environment).
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.8
PYTHON=${PYTHON:-python3}

uv=.venv/tools/bin/uv
if [ "$("$uv" --version 2>/dev/null)" != "uv $UV_VERSION" ]; then
  "$PYTHON" -m venv .venv/tools
  .venv/tools/bin/python -m pip install --quiet "uv==$UV_VERSION"
fi
compile() {
  "$uv" pip compile pyproject.toml requirements/build.in --universal --python-version 3.11 \
    --generate-hashes --custom-compile-command scripts/lock.sh --quiet "$@"
}
compile --extra test -o requirements/test.lock "$@"
compile -c requirements/test.lock -o requirements/app.lock "$@"
echo "wrote requirements/test.lock and requirements/app.lock" >&2
