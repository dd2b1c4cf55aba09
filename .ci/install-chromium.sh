#!/bin/sh
# Installs Debian's chromium for the operator console's browser test
# (test/integration/dashboard-browser.test.ts drives /usr/bin/chromium with playwright-core,
# which downloads no browser of its own). Idempotent and quiet.
set -eu

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq chromium >/dev/null
