#!/bin/sh
# Installs schemathesis (PyPI `schemathesis`, pinned) into the ignored virtualenv
# .peers/schemathesis-venv for test/integration/openapi-schemathesis.test.ts, unless that exact
# version is already there. Idempotent; the suite starts its own gateway, nothing runs here.
set -eu
cd "$(dirname "$0")/.."
VENV=.peers/schemathesis-venv
VERSION=4.32.5

if [ -x "$VENV/bin/schemathesis" ] && "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$VERSION"; then
  exit 0
fi

. .ci/python-venv.sh
make_venv "$VENV" "schemathesis==$VERSION"
"$VENV/bin/schemathesis" --version
