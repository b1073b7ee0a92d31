#!/bin/bash
# End to end: `zerofs run` on a local stand-in for a cloud object store, driven through
# libnfs's nfs-cp / nfs-cat and nfs_commit_probe (this directory).
#   s3:    s3rver (npm) through libs/zobj/tests/s3rver_fixture.js, with redis-server
#          (Debian) for conditional writes.
#   azure: Azurite (npm), which has conditional writes of its own.
#  1. (s3) Without aws.conditional_put the writer refuses to start and names the fix.
#  2. Files written over NFS survive a restart.
#  3. A second writer on the same bucket fences the first: the first answers WRITE or COMMIT
#     with an I/O error, and nothing it acknowledged afterwards becomes visible.
#  4. The store's data folder holds neither a file name nor any file content in plaintext.
# Usage: cloud_e2e_test.sh s3|azure ZEROFS NFS_COMMIT_PROBE|none [S3RVER_FIXTURE]
# Exits 77 (ctest: skipped) when node, npm, the store, redis-server or nfs-cp is missing.
set -u
backend=$1 zerofs=$2 probe=$3 fixture=${4:-}

azurite_account=devstoreaccount1  # Azurite's documented development account and key
azurite_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

case "$backend" in
  s3) tools="node redis-server nfs-cp nfs-cat python3" ;;
  azure) tools="node nfs-cp nfs-cat python3" ;;
  *) echo "unknown backend '$backend' (s3 or azure)" >&2; exit 2 ;;
esac
for tool in $tools; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
[ "$probe" != none ] || { echo "SKIP: nfs_commit_probe needs libnfs-dev"; exit 77; }
[ -x "$probe" ] || { echo "FAIL: $probe is not built (target apps_nfs_commit_probe)"; exit 1; }

# npm_package NAME: the package directory (the versions and the install lock live in
# tests/support/npm_package.sh, shared with the libs/zobj tests and the benchmarks).
npm_package() {
  "$(dirname "$0")/../../tests/support/npm_package.sh" "$1" >"$work/npm-$1.out" ||
    { echo "SKIP: $(cat "$work/npm-$1.out")"; exit 77; }
  cat "$work/npm-$1.out"
}

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
    i=$((i + 1)); [ $i -lt 600 ] || die "nothing listens on port $1"; sleep 0.05
  done
}
store_dir="$work/store"  # the store's data folder, grepped at the end
mkdir -p "$store_dir"

# --- s3: s3rver + redis-server -------------------------------------------------------------
s3_start() {
  package=$(npm_package s3rver) || exit $?
  store_port=$(free_port)
  node --openssl-legacy-provider "$fixture" "$package" -d "$store_dir" \
    -a 127.0.0.1 -p "$store_port" --configure-bucket zerofs-e2e --silent >"$work/store.log" 2>&1 &
  store_pid=$!
  pids="$pids $store_pid"
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
    >"$work/redis.log" 2>&1 &
  pids="$pids $!"
  wait_port "$store_port"
  wait_port "$redis_port"
}
# s3_config [EXTRA-AWS-LINE]: the backend's part of a config.
s3_config() {
  line=${1:-"conditional_put = \"redis://127.0.0.1:$redis_port\""}
  cat <<EOF
[storage]
url = "s3://zerofs-e2e/fs"
encryption_password = "e2e-password-do-not-use"
[aws]
endpoint = "http://127.0.0.1:$store_port"
allow_http = true
access_key_id = "S3RVER"
secret_access_key = "S3RVER"
$line
EOF
}
s3_stored() { find "$store_dir" -name '*._S3rver_object' | grep -q .; }

# --- azure: Azurite ------------------------------------------------------------------------
azure_start() {
  package=$(npm_package azurite) || exit $?
  store_port=$(free_port)
  node "$package/dist/src/blob/main.js" --blobHost 127.0.0.1 \
    --blobPort "$store_port" --location "$store_dir" --silent --skipApiVersionCheck \
    --disableProductStyleUrl --disableTelemetry >"$work/store.log" 2>&1 &
  store_pid=$!
  pids="$pids $store_pid"
  wait_port "$store_port"
  # Create Container, signed with Shared Key (zerofs expects the container to exist).
  python3 - "$store_port" "$azurite_account" "$azurite_key" zerofs-e2e <<'EOF' ||
import base64, hashlib, hmac, http.client, sys
from email.utils import formatdate
port, account, key, container = sys.argv[1:]
headers = {"x-ms-date": formatdate(usegmt=True), "x-ms-version": "2021-08-06"}
# VERB, eleven empty standard headers, the x-ms- headers, the resource (path-style URL).
to_sign = "PUT\n" + "\n" * 11 + "".join(f"{k}:{v}\n" for k, v in sorted(headers.items()))
to_sign += f"/{account}/{account}/{container}\nrestype:container"
mac = hmac.new(base64.b64decode(key), to_sign.encode(), hashlib.sha256).digest()
headers["Authorization"] = f"SharedKey {account}:{base64.b64encode(mac).decode()}"
http = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
http.request("PUT", f"/{account}/{container}?restype=container", body=b"", headers=headers)
reply = http.getresponse()
sys.exit(0 if reply.status == 201 else f"Create Container: {reply.status} {reply.read()!r}")
EOF
    die "cannot create the Azurite container"
}
azure_config() {
  cat <<EOF
[storage]
url = "azure://zerofs-e2e/fs"
encryption_password = "e2e-password-do-not-use"
[azure]
storage_account_name = "$azurite_account"
storage_account_key = "$azurite_key"
endpoint = "http://127.0.0.1:$store_port/$azurite_account"
allow_http = true
EOF
}
azure_stored() { find "$store_dir/__blobstorage__" -type f -size +0 | grep -q .; }

# --- the checks ----------------------------------------------------------------------------
# write_config NAME [BACKEND-ARGS...]
write_config() {
  name_=$1
  shift
  { "${backend}_config" "$@"; printf '[cache]\ndir = "%s"\n' "$work/cache-$name_"
    printf '[servers.nfs]\naddresses = ["127.0.0.1:0"]\n'; } >"$work/$name_.toml"
}

# start NAME: `zerofs run -c NAME.toml` in the background ($NAME_pid, log $work/NAME.log),
# once it is ready; sets $port to its NFS port.
start() {
  : >"$work/$1.log"  # now: the child's redirection may come after the wait below has begun
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

"${backend}_start"

# 1. No conditional_put: s3rver ignores If-None-Match, so the writer must refuse to start.
if [ "$backend" = s3 ]; then
  write_config native "# no conditional_put"
  "$zerofs" run -c "$work/native.toml" >"$work/native.out" 2>"$work/native.log" &
  native_pid=$!
  pids="$pids $native_pid"
  wait "$native_pid"
  got=$?
  [ "$got" -ne 0 ] || die "the writer started on a store without conditional writes"
  grep -q "does not enforce conditional writes" "$work/native.log" || die "no probe verdict"
  grep -qF 'aws.conditional_put = "redis://host:port"' "$work/native.log" || die "the fix is not named"
  if grep -q "zerofs is ready" "$work/native.log"; then die "served without conditional writes"; fi
fi

# 2. Write, restart, read back.
for writer in a b c; do write_config $writer; done
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

# 3. A second writer takes over; the first is fenced. nfs-cp cannot show it (it ignores the
# answer to the COMMIT it sends on close), so the probe writes UNSTABLE and COMMITs.
start b
port_b=$port
timeout 120 "$probe" "$port_a" late "$work/random" >"$work/late.out" 2>&1 &&
  die "the fenced writer acknowledged a COMMIT: $(cat "$work/late.out")"
grep -qE "NFS status 5$|NFS3ERR_IO" "$work/late.out" ||
  die "the fenced writer did not answer with an I/O error: $(cat "$work/late.out")"
timeout 120 nfs-cp "$work/plain" "$(url from-b "$port_b")" || die "the new writer cannot write"
stop b TERM 0
# The fenced writer cannot make what it accepted durable: SIGTERM must not report a clean stop.
stop a TERM 1
grep -q "making everything durable failed" "$work/a.log" ||
  die "the fenced writer's shutdown does not say that its writes were not made durable"
start c
timeout 120 nfs-cat "$(url from-b "$port")" >"$work/from-b" || die "the new writer's file is gone"
cmp "$work/plain" "$work/from-b" || die "the new writer's file differs"
if timeout 120 nfs-cat "$(url late "$port")" >"$work/late.back" 2>/dev/null; then
  die "a write acknowledged by the fenced writer became visible"
fi
grep -qi "fenced" "$work/a.log" || die "the old writer never reported being fenced"
echo "fenced writer: $(cat "$work/late.out"); its log says: $(grep -i -m1 fenced "$work/a.log")"
stop c TERM 0

# 4. Nothing readable in the store's folder (stopped first, so it has saved its metadata).
kill -s TERM "$store_pid"
wait "$store_pid" 2>/dev/null
"${backend}_stored" || die "nothing was stored in the $backend store's folder"
if grep -rqF "$name" "$store_dir"; then die "a file name is stored in plaintext"; fi
if grep -rqF "$marker" "$store_dir"; then die "file content is stored in plaintext"; fi
echo "PASS"
