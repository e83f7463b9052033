#!/bin/sh
# Vendor the browser libraries the web platform serves itself (the pages load nothing from outside).
#
#   vendor/update.sh          install the versions pinned in package-lock.json (npm ci, integrity-checked),
#                             copy the minified files into src/jixiao/web/static/jixiao/vendor/ and record
#                             their SHA-256 in vendor/SHA256SUMS (a test compares the committed files to it)
#
# To upgrade: change the version in vendor/package.json, run `npm install --package-lock-only` in vendor/,
# then this script; commit package.json, package-lock.json, SHA256SUMS and the copied files together.
# Only this script needs npm: `pip install` uses the committed files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
static="$root/src/jixiao/web/static/jixiao/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp "$here/package.json" "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)

echarts="$work/node_modules/echarts"
version=$(node -p "require('$echarts/package.json').version")
mkdir -p "$static"
# ECharts' "common" build: bar, line, pie and scatter charts with tooltip, legend, dataset, aria, both renderers
cp "$echarts/dist/echarts.common.min.js" "$static/echarts.common.min.js"
cp "$echarts/LICENSE" "$static/echarts.LICENSE.txt"
cp "$echarts/NOTICE" "$static/echarts.NOTICE.txt"

cd "$root"
{
  echo "# SHA-256 of the vendored files, written by vendor/update.sh (echarts $version from package-lock.json)"
  sha256sum src/jixiao/web/static/jixiao/vendor/echarts.common.min.js \
            src/jixiao/web/static/jixiao/vendor/echarts.LICENSE.txt \
            src/jixiao/web/static/jixiao/vendor/echarts.NOTICE.txt
} > "$here/SHA256SUMS"
echo "echarts $version → $static"
cat "$here/SHA256SUMS"
