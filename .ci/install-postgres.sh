#!/bin/sh
# Installs Debian's PostgreSQL server binaries for the mapping-store integration suite, unless an
# initdb is already there. Idempotent and quiet; the suite starts its own throwaway cluster, so no
# service is configured or started here.
set -eu

for initdb in /usr/lib/postgresql/*/bin/initdb; do
  if [ -x "$initdb" ]; then
    exit 0
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
