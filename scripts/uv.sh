#!/usr/bin/env bash
# Runs the pinned uv, installing it first from PyPI when this machine does not have it.
set -euo pipefail
UV_VERSION=0.13.8
if command -v uv >/dev/null 2>&1 && [ "$(uv --version | cut -d' ' -f2)" = "$UV_VERSION" ]; then
  exec uv "$@"
fi
if ! python3 -m uv --version 2>/dev/null | grep -q "$UV_VERSION"; then
  python3 -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
exec python3 -m uv "$@"
