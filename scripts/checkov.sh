#!/usr/bin/env bash
# Runs checkov (static analysis of the Kubernetes manifests) from an environment of its own,
# .tools/checkov, made on first use from scripts/checkov.requirements.txt (every package pinned
# and hashed) and remade when that file changes: its many dependencies never meet the project's
# lock. `scripts/checkov.sh --install-only` prepares it without running it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
env="$here/.tools/checkov"
requirements="$here/scripts/checkov.requirements.txt"
stamp="$env/requirements.sha256"
wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ ! -x "$env/bin/checkov" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "installing checkov into .tools/checkov" >&2
  rm -rf "$env"
  "$here/scripts/uv.sh" venv --quiet --python 3.11 "$env"
  "$here/scripts/uv.sh" pip install --quiet --python "$env/bin/python" --require-hashes \
    -r "$requirements"
  echo "$wanted" >"$stamp"
fi
if [ "${1:-}" = "--install-only" ]; then
  exit 0
fi
exec "$env/bin/checkov" "$@"
