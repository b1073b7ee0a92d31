#!/usr/bin/env bash
# npm_package.sh NAME: the directory of the npm test server NAME (s3rver or azurite) at the
# version the tests pin, installed on demand into ${ZEROFS_NPM_CACHE:-~/.cache/zerofs-npm}
# under a lock (test processes run in parallel and must not install over each other).
#
# The one place that knows the versions: libs/zobj's tests (s3_test_env.cc,
# cloud_test_env.cc), apps/tests/cloud_e2e_test.sh and bench/objstore_bench.sh all call it.
# Prints the package directory and exits 0; otherwise prints why on stdout and exits 77
# (ctest's skip code: node/npm missing, or the install failed).
set -uo pipefail
name="${1:-}"
case "$name" in
  s3rver) version=3.7.1 main=bin/s3rver.js ;;
  azurite) version=3.35.0 main=dist/src/blob/main.js ;;  # the last Azurite that runs on Node 20
  *) echo "npm_package.sh: unknown package '$name' (s3rver or azurite)"; exit 2 ;;
esac
dir="${ZEROFS_NPM_CACHE:-${HOME:-/tmp}/.cache/zerofs-npm}"
package="$dir/node_modules/$name"
command -v node >/dev/null || { echo "node is not installed (apt-get install nodejs npm)"; exit 77; }
if [[ ! -f "$package/$main" ]]; then
  command -v npm >/dev/null || { echo "npm is not installed (apt-get install npm)"; exit 77; }
  mkdir -p "$dir"
  (cd "$dir" && flock "$dir/.install.lock" sh -c "[ -f '$package/$main' ] ||
    npm install --no-audit --no-fund --silent $name@$version") >"$dir/install-$name.log" 2>&1
  [[ -f "$package/$main" ]] ||
    { echo "npm install $name@$version failed (see $dir/install-$name.log)"; exit 77; }
fi
echo "$package"
