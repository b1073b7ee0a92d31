#!/usr/bin/env bash
# Runs objstore_bench against s3rver (started here on a free port, through the tests'
# s3rver_fixture.js) and against file:// for reference, in the same run.
#   bench/objstore_bench.sh [BUILD_DIR] [--quick]
# s3rver is installed on demand into ~/.cache/zerofs-npm (npm install s3rver).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build/release}"
shift || true
bench="$build/bench/objstore_bench"
[[ -x "$bench" ]] || { echo "build objstore_bench first ($bench)" >&2; exit 1; }

npm_dir="${ZEROFS_NPM_CACHE:-$HOME/.cache/zerofs-npm}"
if [[ ! -f "$npm_dir/node_modules/s3rver/bin/s3rver.js" ]]; then
  mkdir -p "$npm_dir"
  (cd "$npm_dir" && npm install --no-audit --no-fund --silent s3rver@3.7.1)
fi

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
node --openssl-legacy-provider "$here/../libs/zobj/tests/s3rver_fixture.js" \
  "$npm_dir/node_modules/s3rver" -d "$work/data" -a 127.0.0.1 -p "$port" \
  --configure-bucket zerofs-bench --silent >"$work/s3rver.log" 2>&1 &
server=$!
# Keep the benchmark's exit status (not that of the killed server).
trap 'status=$?; kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"; exit $status' EXIT
for _ in $(seq 200); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.05
done
"$bench" --s3-endpoint="http://127.0.0.1:$port" --s3-bucket=zerofs-bench "$@"
