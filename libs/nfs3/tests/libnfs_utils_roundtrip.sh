#!/usr/bin/env bash
# nfs-cp, nfs-cat and nfs-ls (Debian's libnfs-utils) round-trip a 64 MiB file byte-exactly
# through nfs3_test_server on a file:// zvfs store, and the data survives a server restart.
#   libnfs_utils_roundtrip.sh PATH/TO/nfs3_test_server
set -euo pipefail

server_bin=$1
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

start_server() {
  "$server_bin" --url "file://$work/store" >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  for _ in $(seq 1 600); do
    if grep -q '^port ' "$work/server.out" 2>/dev/null; then break; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.err" >&2; exit 1; fi
    sleep 0.1
  done
  port=$(awk '/^port /{print $2}' "$work/server.out")
  [[ -n "$port" ]] || { echo "server did not report its port" >&2; exit 1; }
  opts="version=3&nfsport=$port&mountport=$port&uid=$(id -u)&gid=$(id -g)"
}

stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid"
  server_pid=""
}

# File URLs name the export ("/") and the file: nfs://host//file. libnfs splits a URL at its
# last '/', and with nfs://host/file the export would be "", which libnfs refuses while it
# looks for nested exports ("Export is empty").
head -c $((64 << 20)) /dev/urandom >"$work/in.bin"
want=$(md5sum <"$work/in.bin" | cut -d' ' -f1)

start_server
nfs-cp "$work/in.bin" "nfs://127.0.0.1//big.bin?$opts"
nfs-cp "nfs://127.0.0.1//big.bin?$opts" "$work/out.bin"
cmp "$work/in.bin" "$work/out.bin"
got=$(nfs-cat "nfs://127.0.0.1//big.bin?$opts" | md5sum | cut -d' ' -f1)
[[ "$got" == "$want" ]] || { echo "nfs-cat md5 $got != $want" >&2; exit 1; }
listing=$(nfs-ls "nfs://127.0.0.1/?$opts")
echo "$listing"
grep -q "big.bin" <<<"$listing"
grep -q "$((64 << 20))" <<<"$listing"
stop_server

# The file is still there, byte for byte, after a clean restart.
start_server
nfs-cp "nfs://127.0.0.1//big.bin?$opts" "$work/again.bin"
cmp "$work/in.bin" "$work/again.bin"
stop_server
echo "libnfs-utils round trip of 64 MiB: OK ($want)"
