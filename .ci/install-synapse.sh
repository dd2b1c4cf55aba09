#!/bin/sh
# Installs Synapse (PyPI `matrix-synapse`) into the ignored virtualenv .peers/synapse-venv for the
# Matrix integration suites, unless it is already there. Idempotent; the suites generate their own
# homeserver config on a free loopback port, so nothing is configured or started here.
set -eu
cd "$(dirname "$0")/.."
VENV=.peers/synapse-venv

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import synapse' >/dev/null 2>&1; then
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
"$VENV/bin/pip" install --quiet --disable-pip-version-check matrix-synapse
"$VENV/bin/python" -c 'import synapse; print("synapse", synapse.__version__)'
