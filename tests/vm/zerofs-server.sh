#!/usr/bin/env bash
# Server command for run-guest.sh: runs `zerofs run` on a fresh file:// store in
# $ZF_VM_SCRATCH (the per-run directory run-guest.sh gives its server), with the servers of
# `zerofs init` on 127.0.0.1 (NFS 2049; 9P and NBD are configured too).
#   zerofs-server.sh ZEROFS_BINARY [extra `zerofs run` arguments]
# Example:
#   run-guest.sh -p 2049 tests/vm/nfs-battery.sh -- tests/vm/zerofs-server.sh build/ci/apps/zerofs/zerofs
# ZEROFS_VM_CONFIG_SED may hold extra sed expressions applied to the generated config.
#
# Crash requests from the guest: when the guest creates /vmh/kill-request, this script kills
# the server with SIGKILL, starts it again on the same store, waits until the NFS port
# listens again and answers by creating /vmh/restarted-N (N counts the restarts); the guest
# waits for that file (guest-lib.sh: restart_server). On SIGTERM it stops the server with
# SIGTERM and exits with the server's status, after checking that the server logged that
# everything was durable.
set -euo pipefail
bin="$(realpath "${1:?usage: zerofs-server.sh ZEROFS_BINARY [run args...]}")"
shift
run_args=("$@")
cd "${ZF_VM_SCRATCH:?run this as the server command of run-guest.sh}"
share="${ZF_VM_RUN:?}/share"
nfs_port="${ZEROFS_VM_NFS_PORT:-2049}"
mkdir -p store cache
"$bin" init - | sed -e "s|^url = .*|url = \"file://$PWD/store\"|" \
  -e "s|^dir = .*|dir = \"$PWD/cache\"|" ${ZEROFS_VM_CONFIG_SED:+-e "$ZEROFS_VM_CONFIG_SED"} >zerofs.toml
export ZEROFS_PASSWORD="${ZEROFS_PASSWORD:-zerofs-vm-test-password}"

restarts=0
pid=""
start() {
  echo "zerofs-server.sh: starting zerofs run (start $((restarts + 1)))"
  "$bin" run -c zerofs.toml "${run_args[@]}" 2> >(tee "instance-$restarts.log" >&2) &
  pid=$!
}
listening() { ss -Hltn "sport = :$nfs_port" | grep . >/dev/null; }

stop() {
  kill -TERM "$pid" 2>/dev/null || true
  local rc=0
  wait "$pid" || rc=$?
  echo "zerofs-server.sh: zerofs run exited $rc after SIGTERM"
  if ((rc == 0)) && ! grep -q "everything is durable" "instance-$restarts.log"; then
    echo "zerofs-server.sh: exit 0 without 'everything is durable' in its log"
    rc=1
  fi
  exit "$rc"
}
trap stop TERM INT

start
while :; do
  if ! kill -0 "$pid" 2>/dev/null; then
    rc=0
    wait "$pid" || rc=$?
    echo "zerofs-server.sh: zerofs run exited on its own (status $rc)"
    exit "$((rc == 0 ? 1 : rc))"
  fi
  if [[ -e "$share/kill-request" ]]; then
    rm -f "$share/kill-request"
    kill -KILL "$pid"
    wait "$pid" || true
    echo "zerofs-server.sh: killed zerofs run with SIGKILL"
    restarts=$((restarts + 1))
    start
    until listening; do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1 &
      wait $!
    done
    : >"$share/restarted-$restarts"
  fi
  # Sleeping in the background keeps the TERM trap responsive.
  sleep 0.2 &
  wait $! || true
done
