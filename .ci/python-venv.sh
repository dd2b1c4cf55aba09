#!/bin/sh
# Sourced by the installers of PyPI test peers: `make_venv DIR PACKAGE_SPEC` makes a fresh
# virtualenv in DIR (installing Debian's python3-venv first where venv or ensurepip is missing)
# and installs PACKAGE_SPEC into it.
make_venv() {
  venv_dir=$1
  package=$2
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
      SUDO="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >/dev/null
    $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
  fi
  mkdir -p "$(dirname "$venv_dir")"
  rm -rf "$venv_dir"
  python3 -m venv "$venv_dir"
  "$venv_dir/bin/pip" install --quiet --disable-pip-version-check "$package"
}
