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

if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi

mkdir -p .peers
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION"
"$VENV/bin/schemathesis" --version
