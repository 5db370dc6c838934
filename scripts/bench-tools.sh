#!/usr/bin/env bash
# The load generator of the HTTP benchmarks in bench/ (bench/me.py, bench/catalogs.py,
# bench/growth.py): wrk, from Debian's packages, installed when it is missing (as root, or with
# sudo). Not part of the test run.
set -euo pipefail

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

if command -v wrk >/dev/null 2>&1; then
  echo "wrk is installed: $(command -v wrk)"
  exit 0
fi
echo "installing wrk from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -qq
as_root apt-get install -y -qq wrk >/dev/null
command -v wrk
