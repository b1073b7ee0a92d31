#!/usr/bin/env bash
# Runs a guest script against a stand-in server from Debian, to prove the guest's kernel
# clients and this harness before zerofs serves the protocol itself:
#   9p           smoke-9p.sh    against diod over TCP
#   nbd          smoke-nbd.sh   against nbdkit (memory plugin) over TCP
#   nbd-unix     smoke-nbd.sh   against nbdkit on a unix socket, through guestfwd + socat
#   nfs          smoke-nfs.sh   against nfs-ganesha (VFS FSAL) + rpcbind
#   nfs-battery  nfs-battery.sh against nfs-ganesha
# Exit status 77 (ctest SKIP_RETURN_CODE) when the stand-in is not installed. After the
# guest passes, the host checks what the server stored where it can see it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
kind="${1:?usage: standin.sh 9p|nbd|nbd-unix|nfs|nfs-battery [run-guest options]}"
shift
extra=("$@")

skip() {
  echo "standin: SKIP $kind: $*"
  exit 77
}
need() {
  for c in "$@"; do
    command -v "$c" >/dev/null || skip "$c is not installed (.ci/deps --test)"
  done
}

dir="$(mktemp -d "${TMPDIR:-/tmp}/zerofs-standin.XXXXXX")"
trap 'rm -rf "$dir"' EXIT
token="token-$RANDOM-$RANDOM"

# The guest's bytes must be on the server's disk: a marker holding this run's token.
expect_marker() {
  local got
  got="$(cat "$1" 2>/dev/null || true)"
  if [[ "$got" != "$token" ]]; then
    echo "standin: $kind: the server's $1 holds '$got', expected '$token'"
    exit 1
  fi
}

ganesha_server() {
  need ganesha.nfsd rpcbind mount.nfs
  compgen -G "/usr/lib/*/ganesha/libfsalvfs.so" >/dev/null || skip "nfs-ganesha-vfs is not installed"
  mkdir -p "$dir/export" "$dir/recovery"
  "$here/../support/ganesha_conf.sh" "$dir/export" "$dir/recovery" >"$dir/ganesha.conf"
  # ganesha registers with rpcbind and will not start without it; both get a private /run
  # (the runner gives the server its own mount namespace).
  cat >"$dir/serve.sh" <<EOF
#!/bin/bash
set -e
mount -t tmpfs -o mode=0755 run /run
mkdir -p /run/ganesha
rpcbind -w
exec ganesha.nfsd -F -L /dev/stderr -N NIV_WARN -f "$dir/ganesha.conf" -p /run/ganesha/ganesha.pid
EOF
  chmod +x "$dir/serve.sh"
  # ganesha serves MOUNT on its own port, not on the NFS port.
  args=(-p 2049 -p 20048 -e ZF_NFS_PORT=2049 -e ZF_NFS_MOUNTPORT=20048 -e "ZF_NFS_EXPORT=$dir/export")
  server=("$dir/serve.sh")
}

case "$kind" in
9p)
  need diod
  # v9fs attaches the mount itself as user "nobody" (access=user), so the path must be
  # searchable by everyone.
  chmod 0755 "$dir"
  mkdir -p "$dir/export"
  "$here/run-guest.sh" -p 5564 -e "ZF_TOKEN=$token" -e "ZF_NINEP_ANAME=$dir/export" "${extra[@]}" \
    "$here/smoke-9p.sh" -- diod -f -n -l 127.0.0.1:5564 -e "$dir/export" -L stderr
  expect_marker "$dir/export/marker"
  [[ "$(stat -c %s "$dir/export/blob")" == 8388608 ]] || {
    echo "standin: 9p: blob has the wrong size on the server"
    exit 1
  }
  ;;
nbd)
  need nbdkit nbd-client mkfs.ext4
  "$here/run-guest.sh" -p 10809 -e "ZF_TOKEN=$token" "${extra[@]}" \
    "$here/smoke-nbd.sh" -- nbdkit -f -i 127.0.0.1 -p 10809 memory 256M
  ;;
nbd-unix)
  need nbdkit nbd-client mkfs.ext4 socat
  sock="$dir/nbd.sock"
  "$here/run-guest.sh" -p "$sock" -u "10809=$sock" -e ZF_NBD_ADDR=10.0.2.100 -e ZF_NBD_PORT=10809 \
    -e "ZF_TOKEN=$token" "${extra[@]}" "$here/smoke-nbd.sh" -- nbdkit -f -U "$sock" memory 256M
  ;;
nfs)
  ganesha_server
  "$here/run-guest.sh" "${args[@]}" -e "ZF_TOKEN=$token" "${extra[@]}" "$here/smoke-nfs.sh" -- "${server[@]}"
  expect_marker "$dir/export/marker"
  ;;
nfs-battery)
  need setpriv sqlite3
  ganesha_server
  "$here/run-guest.sh" "${args[@]}" "${extra[@]}" "$here/nfs-battery.sh" -- "${server[@]}"
  ;;
*)
  echo "standin: unknown kind $kind" >&2
  exit 2
  ;;
esac
