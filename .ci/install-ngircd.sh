#!/bin/sh
# Installs Debian's ngircd (and openssl, which makes the TLS test server's throwaway certificate)
# for the IRC integration suites and the IRC relay benchmark, unless both are already there.
# Idempotent and quiet; the suites start their own server on a free loopback port with a
# generated config, so no service is configured or started here.
set -eu

if { command -v ngircd >/dev/null 2>&1 || [ -x /usr/sbin/ngircd ]; } && command -v openssl >/dev/null 2>&1; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends ngircd openssl >/dev/null
# The package may start a system service on some images; the suites never use it.
$SUDO systemctl disable --now ngircd >/dev/null 2>&1 || true
