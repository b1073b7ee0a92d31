#!/usr/bin/env bash
# Runs objstore_bench against s3rver (started here on a free port, through the tests'
# s3rver_fixture.js) and against file:// for reference, in the same run; then the filesystem's
# sequential write (vfs_bench --workloads seq) on s3rver and on file://, both with the same
# size, so their ratio is the cost of the S3 path.
#   bench/objstore_bench.sh [BUILD_DIR] [--quick]   (ZEROFS_VFS_MB: the file size, default 256)
# s3rver is installed on demand (tests/support/npm_package.sh). With
# redis-server on the PATH, S3 runs as users run it on s3rver: conditional puts through Redis.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build/release}"
shift || true
bench="$build/bench/objstore_bench"
vfs_bench="$build/bench/vfs_bench"
for b in "$bench" "$vfs_bench"; do
  [[ -x "$b" ]] || { echo "build $(basename "$b") first ($b)" >&2; exit 1; }
done
quick=0
for a in "$@"; do [[ "$a" == --quick ]] && quick=1; done
vfs_mb="${ZEROFS_VFS_MB:-$((quick ? 32 : 256))}"

s3rver="$("$here/../tests/support/npm_package.sh" s3rver)" || { echo "$s3rver" >&2; exit 1; }
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
node --openssl-legacy-provider "$here/../libs/zobj/tests/s3rver_fixture.js" \
  "$s3rver" -d "$work/data" -a 127.0.0.1 -p "$port" \
  --configure-bucket zerofs-bench --silent >"$work/s3rver.log" 2>&1 &
server=$!
redis=""
redis_pid=""
if command -v redis-server >/dev/null; then
  rport="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
    >"$work/redis.log" 2>&1 &
  redis_pid=$!
  redis="redis://127.0.0.1:$rport"
fi
# Keep the benchmark's exit status (not that of the killed servers).
trap 'status=$?; kill $server $redis_pid 2>/dev/null; wait $server $redis_pid 2>/dev/null; rm -rf "$work"; exit $status' EXIT
for _ in $(seq 200); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.05
done
if [[ -n "$redis" ]]; then
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$rport") 2>/dev/null && break
    sleep 0.05
  done
  # The lease protocol grants no lease while Redis is younger than one lease (30 s) + 1 s, in
  # case it restarted and forgot leases (docs/s3-conditional-writes.md): measure after that.
  echo "waiting for Redis to be 31 s old (lease protocol start-up rule)" >&2
  while (( $(redis-cli -p "$rport" INFO server | awk -F: '/^uptime_in_seconds/ { print $2+0 }') < 32 )); do
    sleep 1
  done
fi
"$bench" --s3-endpoint="http://127.0.0.1:$port" --s3-bucket=zerofs-bench \
  ${redis:+--redis="$redis"} "$@"

# The filesystem's sequential write (1 MiB writes, then fsync) on both stores, same size.
vfs_seq() {  # NAME, then vfs_bench's store arguments
  local name="$1"
  shift
  "$vfs_bench" --workloads seq --size-mb "$vfs_mb" "$@" 2>/dev/null |
    awk -v n="$name" '/^seq_write(_vs_seal)? / {
      sub(/^seq_write/, "zvfs_seq_write_" n, $1); printf "%-28s : %s %s\n", $1, $3, $4 }'
}
printf "%-28s : %s MiB\n" zvfs_seq_write_size "$vfs_mb"
vfs_seq file --dir "$work/vfs-file"
AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_ALLOW_HTTP=true \
  AWS_ENDPOINT_URL="http://127.0.0.1:$port" \
  vfs_seq "s3${redis:++redis}" --url "s3://zerofs-bench/vfs-$$" ${redis:+--redis "$redis"}
