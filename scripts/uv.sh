#!/usr/bin/env bash
# Runs the pinned uv. When this machine has no uv of that version, it is installed from PyPI into
# .tools/ inside the project (pip --target: no system package is touched, so it works with a
# Python that refuses to be changed, as Debian's and Homebrew's do).
set -euo pipefail
UV_VERSION=0.13.8
if command -v uv >/dev/null 2>&1 && [ "$(uv --version | cut -d' ' -f2)" = "$UV_VERSION" ]; then
  exec uv "$@"
fi
here=$(cd "$(dirname "$0")/.." && pwd)
tools="$here/.tools/uv-$UV_VERSION"
if [ ! -x "$tools/bin/uv" ]; then
  if ! python3 -m pip --version >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "installing pip from Debian's packages (to fetch uv)" >&2
      DEBIAN_FRONTEND=noninteractive apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >/dev/null
    else
      echo "uv $UV_VERSION is missing and so is pip: install either one" >&2
      exit 1
    fi
  fi
  rm -rf "$tools"
  python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
    --target "$tools" "uv==$UV_VERSION"
fi
exec "$tools/bin/uv" "$@"
