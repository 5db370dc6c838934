#!/usr/bin/env bash
# The JavaScript clients the tests drive the API with (clients/package-lock.json): Node.js, npm
# and Chromium from Debian's packages when missing, then `npm ci` when the installed set is not
# the locked one.
set -euo pipefail
cd "$(dirname "$0")/../clients"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# The browser test (tests/api/test_browser.py) drives Debian's Chromium; puppeteer-core never
# downloads a browser of its own.
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Installed from this very lock already: nothing to do.
stamp=node_modules/.installed-from-lock
wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$wanted" > "$stamp"
fi
