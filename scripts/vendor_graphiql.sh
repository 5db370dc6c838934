#!/usr/bin/env bash
# Refreshes the GraphiQL assets the API serves itself (api/static/graphiql/vendor/): each file is
# taken from its package's tarball on the npm registry (`npm pack` checks the tarball against the
# registry's integrity), kept with the package's licence, and recorded in assets.json with the
# sha384 the page's `integrity` attributes carry. The running API never fetches anything.
# Change a version here, run the script, commit the result (and read api/static/graphiql/README.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/api/static/graphiql/vendor"

# name | package@version | file in the package | licence file in the package
ASSETS=(
  "react|react@18.2.0|umd/react.production.min.js|LICENSE"
  "react-dom|react-dom@18.2.0|umd/react-dom.production.min.js|LICENSE"
  "graphiql|graphiql@3.8.3|graphiql.min.js|LICENSE"
  "graphiql-css|graphiql@3.8.3|graphiql.min.css|LICENSE"
  # The plugin's package ships no licence file; it is MIT (its package.json) and lives in the
  # graphql/graphiql repository, whose licence graphiql's package carries.
  "explorer|@graphiql/plugin-explorer@1.0.2|dist/index.umd.js|graphiql@3.8.3:LICENSE"
  "explorer-css|@graphiql/plugin-explorer@1.0.2|dist/style.css|graphiql@3.8.3:LICENSE"
)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

unpack() { # package@version -> directory holding the package's files
  local spec="$1" dir="$work/${1//\//_}"
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    (cd "$dir" && npm pack "$spec" --silent --no-audit --no-fund >/dev/null && tar xzf ./*.tgz)
  fi
  echo "$dir/package"
}

rm -rf "$target"
mkdir -p "$target"
manifest="$work/assets.tsv"
for entry in "${ASSETS[@]}"; do
  IFS='|' read -r name spec file licence <<<"$entry"
  source_dir="$(unpack "$spec")"
  # One directory per package and version: a new version is a new URL, so browsers may keep
  # a file for good (api/graphiql.py serves them as immutable).
  dir="${spec//\//_}"
  mkdir -p "$target/$dir"
  cp "$source_dir/$file" "$target/$dir/$(basename "$file")"
  if [[ "$licence" == *:* ]]; then
    cp "$(unpack "${licence%%:*}")/${licence#*:}" "$target/$dir/LICENSE"
  else
    cp "$source_dir/$licence" "$target/$dir/LICENSE"
  fi
  integrity="sha384-$(openssl dgst -sha384 -binary "$target/$dir/$(basename "$file")" | base64 -w0)"
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$spec" "$file" "$dir/$(basename "$file")" "$integrity" >>"$manifest"
done

node - "$manifest" "$target/assets.json" <<'JS'
const fs = require("fs");
const [manifest, out] = process.argv.slice(2);
const assets = {};
for (const line of fs.readFileSync(manifest, "utf8").trim().split("\n")) {
  const [name, spec, source, path, integrity] = line.split("\t");
  assets[name] = { package: spec, source, path, integrity };
}
fs.writeFileSync(out, JSON.stringify(assets, null, 2) + "\n");
JS
echo "GraphiQL assets written to $target"
