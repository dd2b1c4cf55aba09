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

. .ci/python-venv.sh
make_venv "$VENV" matrix-synapse
"$VENV/bin/python" -c 'import synapse; print("synapse", synapse.__version__)'
