#!/usr/bin/env bash
# Make sure axe-core (the accessibility engine the browser tests inject into each page, tests/web/axe.py)
# is in .cache/axe/node_modules/axe-core, installing the pinned version from the npm registry where missing.
set -euo pipefail
cd "$(dirname "$0")/.."

AXE_VERSION=4.11.0
CACHE=.cache/axe
if [ -f "$CACHE/node_modules/axe-core/axe.min.js" ] \
  && grep -q "\"version\": \"$AXE_VERSION\"" "$CACHE/node_modules/axe-core/package.json"; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "npm is not installed; installing Debian's npm" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
fi
mkdir -p "$CACHE"
npm install --silent --no-audit --no-fund --no-save --prefix "$CACHE" "axe-core@$AXE_VERSION"
test -f "$CACHE/node_modules/axe-core/axe.min.js"
