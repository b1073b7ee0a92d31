#!/bin/bash
# End to end on s3://: `zerofs run` on s3rver (npm) with redis-server (Debian) for
# conditional writes, driven through libnfs's nfs-cp / nfs-cat.
#  1. Without aws.conditional_put the writer refuses to start and names the fix.
#  2. With it, files written over NFS survive a restart.
#  3. A second writer on the same bucket fences the first: what the first acknowledges
#     afterwards never becomes visible.
#  4. s3rver's data folder holds neither a file name nor any file content in plaintext.
# Usage: s3_e2e_test.sh ZEROFS S3RVER_FIXTURE
# Exits 77 (ctest: skipped) when node, npm/s3rver, redis-server or nfs-cp is missing.
set -u
zerofs=$1 fixture=$2

for tool in node redis-server nfs-cp nfs-cat; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
npm_dir="${ZEROFS_NPM_CACHE:-$HOME/.cache/zerofs-npm}"
if [ ! -f "$npm_dir/node_modules/s3rver/bin/s3rver.js" ]; then
  command -v npm >/dev/null || { echo "SKIP: npm is not installed"; exit 77; }
  mkdir -p "$npm_dir"
  (cd "$npm_dir" && npm install --no-audit --no-fund --silent s3rver@3.7.1) ||
    { echo "SKIP: cannot install s3rver"; exit 77; }
fi

work=$(mktemp -d) || exit 1
pids=""
cleanup() {
  for p in $pids; do kill -9 "$p" 2>/dev/null; done
  for p in $pids; do wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
die() { echo "FAIL: $*" >&2; for f in "$work"/*.log; do echo "== $f" >&2; tail -20 "$f" >&2; done; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  i=0
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 400 ] || die "nothing listens on port $1"; sleep 0.05
  done
}

s3_port=$(free_port)
node --openssl-legacy-provider "$fixture" "$npm_dir/node_modules/s3rver" -d "$work/s3data" \
  -a 127.0.0.1 -p "$s3_port" --configure-bucket zerofs-e2e --silent >"$work/s3rver.log" 2>&1 &
pids="$pids $!"
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  >"$work/redis.log" 2>&1 &
pids="$pids $!"
wait_port "$s3_port"
wait_port "$redis_port"

# write_config NAME [EXTRA-AWS-LINE]
write_config() {
  cat >"$work/$1.toml" <<EOF
[storage]
url = "s3://zerofs-e2e/fs"
encryption_password = "e2e-password-do-not-use"
[cache]
dir = "$work/cache-$1"
[aws]
endpoint = "http://127.0.0.1:$s3_port"
allow_http = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"
$2
[servers.nfs]
addresses = ["127.0.0.1:0"]
EOF
}

# start NAME: `zerofs run -c NAME.toml` in the background ($NAME_pid, log $work/NAME.log),
# once it is ready; sets $port to its NFS port.
start() {
  "$zerofs" run -c "$work/$1.toml" >"$work/$1.out" 2>"$work/$1.log" &
  eval "$1_pid=$!"
  pids="$pids $!"
  i=0
  until grep -q "zerofs is ready" "$work/$1.log"; do
    eval "kill -0 \$$1_pid" 2>/dev/null || die "$1: zerofs run exited early"
    i=$((i + 1)); [ $i -lt 1200 ] || die "$1: not ready in 120 s"; sleep 0.1
  done
  port=$(sed -n 's/.*NFS server listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/$1.log" | head -1)
  [ -n "$port" ] || die "$1: no NFS port in the log"
}
url() { echo "nfs://127.0.0.1//$1?version=3&nfsport=$2&mountport=$2"; }  # export "/", then the file
# stop NAME SIGNAL STATUS
stop() {
  eval "p=\$$1_pid"
  kill -s "$2" "$p"
  wait "$p"
  got=$?
  [ "$got" -eq "$3" ] || die "$1 exited $got after SIG$2, expected $3"
}

marker="zerofs-e2e-plaintext-marker-7f3a9c"
name="zerofs-e2e-secret-file-name-51d2"
{ i=0; while [ $i -lt 20000 ]; do echo "$marker line $i"; i=$((i + 1)); done; } >"$work/plain"
head -c 3000000 /dev/urandom >"$work/random"

# 1. No conditional_put: s3rver ignores If-None-Match, so the writer must refuse to start.
write_config native ""
"$zerofs" run -c "$work/native.toml" >"$work/native.out" 2>"$work/native.log" &
native_pid=$!
pids="$pids $native_pid"
wait "$native_pid"
got=$?
[ "$got" -ne 0 ] || die "the writer started on a store without conditional writes"
grep -q "does not enforce conditional writes" "$work/native.log" || die "no probe verdict"
grep -qF 'aws.conditional_put = "redis://host:port"' "$work/native.log" || die "the fix is not named"
if grep -q "zerofs is ready" "$work/native.log"; then die "served without conditional writes"; fi

# 2. With Redis: write, restart, read back.
for writer in a b c; do
  write_config $writer "conditional_put = \"redis://127.0.0.1:$redis_port\""
done
start a
timeout 120 nfs-cp "$work/plain" "$(url "$name" "$port")" || die "nfs-cp of the plaintext file failed"
timeout 120 nfs-cp "$work/random" "$(url random "$port")" || die "nfs-cp of the random file failed"
stop a TERM 0
start a
timeout 120 nfs-cat "$(url "$name" "$port")" >"$work/plain.back" || die "nfs-cat after restart failed"
cmp "$work/plain" "$work/plain.back" || die "the plaintext file differs after a restart"
timeout 120 nfs-cat "$(url random "$port")" >"$work/random.back" || die "nfs-cat after restart failed"
cmp "$work/random" "$work/random.back" || die "the random file differs after a restart"
port_a=$port

# 3. A second writer takes over; the first is fenced.
start b
port_b=$port
timeout 120 nfs-cp "$work/random" "$(url late "$port_a")" >"$work/late.out" 2>&1
late_status=$?
timeout 120 nfs-cp "$work/plain" "$(url from-b "$port_b")" || die "the new writer cannot write"
stop b TERM 0
kill -9 "$a_pid" 2>/dev/null
wait "$a_pid" 2>/dev/null
start c
timeout 120 nfs-cat "$(url from-b "$port")" >"$work/from-b" || die "the new writer's file is gone"
cmp "$work/plain" "$work/from-b" || die "the new writer's file differs"
if timeout 120 nfs-cat "$(url late "$port")" >"$work/late.back" 2>/dev/null; then
  die "a write acknowledged by the fenced writer became visible (nfs-cp status $late_status)"
fi
grep -qi "fenced" "$work/a.log" || die "the old writer never reported being fenced"
echo "fenced writer: nfs-cp exited $late_status; its log says: $(grep -i -m1 fenced "$work/a.log")"
stop c TERM 0

# 4. Nothing readable in the bucket.
if grep -rqF "$name" "$work/s3data"; then die "a file name is stored in plaintext"; fi
if grep -rqF "$marker" "$work/s3data"; then die "file content is stored in plaintext"; fi
find "$work/s3data" -name '*._S3rver_object' | grep . >/dev/null || die "nothing was stored in s3rver"
echo "PASS"
