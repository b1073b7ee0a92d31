#!/usr/bin/env bash
# Server command for run-guest.sh: runs `zerofs run` on a fresh file:// store in
# $ZF_VM_SCRATCH (the per-run directory run-guest.sh gives its server), with
# the default servers from `zerofs init` on 127.0.0.1 (NFS 2049, 9P 5564, NBD 10809).
#   zerofs-server.sh ZEROFS_BINARY [extra `zerofs run` arguments]
# Example:
#   run-guest.sh -p 2049 tests/vm/nfs-battery.sh -- tests/vm/zerofs-server.sh build/ci/apps/zerofs/zerofs
# ZEROFS_VM_CONFIG_SED may hold extra sed expressions applied to the generated config.
set -euo pipefail
bin="$(realpath "${1:?usage: zerofs-server.sh ZEROFS_BINARY [run args...]}")"
shift
cd "${ZF_VM_SCRATCH:?run this as the server command of run-guest.sh}"
mkdir -p store cache
"$bin" init - | sed -e "s|^url = .*|url = \"file://$PWD/store\"|" \
  -e "s|^dir = .*|dir = \"$PWD/cache\"|" ${ZEROFS_VM_CONFIG_SED:+-e "$ZEROFS_VM_CONFIG_SED"} >zerofs.toml
export ZEROFS_PASSWORD="${ZEROFS_PASSWORD:-zerofs-vm-test-password}"
exec "$bin" run -c zerofs.toml "$@"
