#!/usr/bin/env bash
# Front-end packages for the pages (htmx, ECharts) and for the accessibility test
# (axe-core), from npm as package-lock.json pins them, their browser builds copied into
# internal/web/static/vendor for `go build` to embed. All optional: without npm, or
# without its registry, this says what is missing and the build goes on; the pages work
# without them (ARCHITECTURE.md: every page works without JavaScript).
# npm runs only when package.json or package-lock.json changed since its last install
# (the stamp file below), so `make run` and `make test` do not ask the registry each time.
set -u
cd "$(dirname "$0")/.."
stamp=node_modules/.zhiyuan-installed

if ! command -v npm >/dev/null 2>&1; then
  echo "assets: npm is missing (apt-get install npm): pages are served without htmx and ECharts, and the accessibility test cannot run (it needs axe-core)" >&2
elif [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "assets: npm install (package-lock.json changed since the last install)"
  if npm install --no-audit --no-fund --silent --fetch-retries=1 --fetch-timeout=30000; then
    touch "$stamp"
  else
    echo "assets: npm install failed (is the npm registry reachable?): going on with what node_modules already holds" >&2
  fi
fi

if [ -d node_modules ] && command -v node >/dev/null 2>&1; then
  node scripts/copy-assets.js || echo "assets: copying the browser builds failed; pages go without them" >&2
fi
exit 0
