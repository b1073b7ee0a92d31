#!/usr/bin/env bash
# Boots the test guest (build-guest.sh) under qemu and runs one guest script in it, with an
# optional server under test beside it. The server and qemu share a fresh network namespace
# that has only a loopback interface: the guest reaches the server's 127.0.0.1:PORT as
# 10.0.2.2:PORT through slirp, and nothing else. slirp is never run outside that namespace.
#
# usage: run-guest.sh [options] GUEST_SCRIPT [GUEST_ARGS...] [-- SERVER_CMD...]
#   -e VAR=VAL    export VAR=VAL to the guest script (repeatable)
#   -p PORT|SOCK  boot only once the server listens on 127.0.0.1:PORT/tcp, or once the unix
#                 socket SOCK (an absolute path) exists (repeatable)
#   -u GPORT=SOCK the guest's 10.0.2.100:GPORT is forwarded to the unix socket SOCK (socat)
#   -f FILE       copy FILE into the guest's /vmh (repeatable)
#   -t SECONDS    hard limit for the whole run (default $ZEROFS_VM_TIMEOUT or 900)
#   -m MB         guest memory (default 1024)
#   -k            keep the run directory (its path is printed)
#   -v            print the guest's output even when it passes
#   -s            the server must exit 0 within 60 s of the SIGTERM that ends the run
# The guest runs the host's own binaries: its root is the host's / (read-only, with a tmpfs
# overlay). /vmh is the per-run share: guest.sh, lib.sh (guest-lib.sh), env, copied files.
# SERVER_CMD runs inside the namespace, in the caller's directory; $ZF_VM_SCRATCH names an
# empty directory for its state, removed with the run. Exit status: the guest script's, 77 (skip) when qemu or busybox-static is
# missing, 124 on timeout, 125 when the server or the guest broke before the script ended.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
self="$here/$(basename "${BASH_SOURCE[0]}")"

if [[ "${1:-}" == "--inner" ]]; then
  # Inside the namespaces: pid 1 of a new pid namespace, so every process started here
  # (daemons that fork included) dies with it.
  run="$2"
  # shellcheck source=/dev/null
  . "$run/config"
  # slirp relays the guest to every network its namespace reaches: refuse to run unless
  # this namespace has nothing but loopback.
  if [[ "$(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')" != "lo " ]]; then
    echo "the network namespace is not loopback-only; refusing to start slirp" >"$run/failure"
    exit 125
  fi
  ip link set lo up
  listening() {
    if [[ "$1" == /* ]]; then
      [[ -S "$1" ]]
    else
      ss -Hltn "sport = :$1" | grep . >/dev/null
    fi
  }
  if ((${#server[@]})); then
    mkdir -p "$ZF_VM_SCRATCH"
    "${server[@]}" >"$run/server.log" 2>&1 </dev/null &
    spid=$!
    for port in "${ports[@]}"; do
      deadline=$((SECONDS + 60))
      until listening "$port"; do
        if ! kill -0 "$spid" 2>/dev/null; then
          echo "server exited before listening on $port" >"$run/failure"
          exit 125
        fi
        if ((SECONDS >= deadline)); then
          echo "server did not listen on $port within 60 s" >"$run/failure"
          exit 125
        fi
        sleep 0.1
      done
    done
  fi
  netdev="user,id=n0"
  for fwd in "${unix_fwds[@]}"; do
    gport="${fwd%%=*}"
    sock="${fwd#*=}"
    netdev+=",guestfwd=tcp:10.0.2.100:$gport-cmd:socat -lf $run/socat-$gport.log -b 262144"
    netdev+=" STDIO UNIX-CONNECT:$sock"
  done
  accel="tcg,thread=multi"
  # /dev/kvm may be a nested device that cannot boot a stock kernel (TESTING.md).
  if [[ -e /dev/kvm && (-d /sys/module/kvm_intel || -d /sys/module/kvm_amd) ]]; then
    accel="kvm"
  fi
  qemu=(qemu-system-x86_64 -accel "$accel" -cpu max -m "$mem" -smp 2 -M pc
    -nodefaults -no-user-config -display none -no-reboot
    -kernel "$guest/vmlinux" -initrd "$guest/initrd"
    -append "console=ttyS0 quiet panic=-1"
    -serial "file:$run/console.log"
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
    -virtfs "local,path=$run/share,mount_tag=vmh,security_model=none,multidevs=remap"
    -netdev "$netdev" -device virtio-net-pci,netdev=n0
    -device isa-debug-exit,iobase=0xf4,iosize=0x04)
  date +%s%N >"$run/qemu-start"
  set +e
  "${qemu[@]}" >"$run/qemu.log" 2>&1 </dev/null
  echo $? >"$run/qemu-rc"
  if ((${#server[@]})); then
    # A server that died under the guest is a failure of the run; one still running gets
    # SIGTERM and 10 s (60 s with -s) to stop cleanly before the namespace takes it down.
    if ! kill -0 "$spid" 2>/dev/null; then
      wait "$spid"
      echo "the server exited during the run (status $?)" >"$run/failure"
      exit 125
    fi
    # A strict stop (-s) makes everything durable first: give it a minute.
    kill -TERM "$spid"
    for _ in $(seq $((strict_stop ? 600 : 100))); do
      kill -0 "$spid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$spid" 2>/dev/null; then
      echo "killed (no exit within $((strict_stop ? 60 : 10)) s of SIGTERM)" >"$run/server-rc"
      src=137
    else
      wait "$spid"
      src=$?
      echo "exit status $src after SIGTERM" >"$run/server-rc"
    fi
    if ((strict_stop && src != 0)); then
      echo "the server did not stop cleanly: $(cat "$run/server-rc")" >"$run/failure"
      exit 125
    fi
  fi
  exit 0
fi

usage() {
  sed -n '7,17p' "$self" >&2
  exit 2
}

envs=()
ports=()
unix_fwds=()
files=()
timeout="${ZEROFS_VM_TIMEOUT:-900}"
mem=1024
keep=0
strict_stop=0
verbose="${ZF_VM_VERBOSE:-0}"
while getopts "e:p:u:f:t:m:kvsh" opt; do
  case "$opt" in
  e) envs+=("$OPTARG") ;;
  p) ports+=("$OPTARG") ;;
  u) unix_fwds+=("$OPTARG") ;;
  f) files+=("$OPTARG") ;;
  t) timeout="$OPTARG" ;;
  m) mem="$OPTARG" ;;
  k) keep=1 ;;
  v) verbose=1 ;;
  s) strict_stop=1 ;;
  *) usage ;;
  esac
done
shift $((OPTIND - 1))
(($#)) || usage
script="$1"
shift
guest_args=()
while (($#)) && [[ "$1" != "--" ]]; do
  guest_args+=("$1")
  shift
done
server=()
if (($#)); then
  shift
  server=("$@")
fi
[[ -f "$script" ]] || {
  echo "run-guest: no guest script $script" >&2
  exit 2
}

for tool in qemu-system-x86_64 busybox unshare ip ss timeout; do
  if ! command -v "$tool" >/dev/null; then
    echo "run-guest: SKIP: $tool is missing (.ci/deps --test installs it)" >&2
    exit 77
  fi
done
if ((${#unix_fwds[@]})) && ! command -v socat >/dev/null; then
  echo "run-guest: SKIP: socat is missing" >&2
  exit 77
fi

guest="$("$here/build-guest.sh")"

run="$(mktemp -d "${TMPDIR:-/tmp}/zerofs-vm.XXXXXX")"
cleanup() {
  if [[ $keep -eq 1 ]]; then
    echo "run-guest: run directory kept: $run" >&2
  else
    rm -rf "$run"
  fi
}
trap cleanup EXIT
mkdir -p "$run/share"
install -m 0755 "$script" "$run/share/guest.sh"
install -m 0644 "$here/guest-lib.sh" "$run/share/lib.sh"
for f in "${files[@]}"; do
  cp -a "$f" "$run/share/"
done
{
  echo "ZF_VM_VERBOSE=$verbose"
  echo "ZF_SERVER=10.0.2.2"
  for e in "${envs[@]}"; do
    printf '%s=%q\n' "${e%%=*}" "${e#*=}"
  done
} >"$run/share/env"
printf '%s\n' "${guest_args[@]}" >"$run/share/args"
{
  declare -p server ports unix_fwds mem guest strict_stop
  echo "export ZF_VM_RUN=$run ZF_VM_SCRATCH=$run/server"
  echo "cd $(printf '%q' "$PWD")"
} >"$run/config"

# A user namespace stands in for root when run unprivileged.
ns=(unshare --net --pid --mount --fork --kill-child --mount-proc)
[[ $(id -u) -eq 0 ]] || ns=(unshare --user --map-root-user --net --pid --mount --fork --kill-child --mount-proc)

start=$(date +%s%N)
set +e
timeout --kill-after=10 "$timeout" "${ns[@]}" bash "$self" --inner "$run"
inner_rc=$?
set -e
secs() { printf '%d.%d' $((($(date +%s%N) - start) / 1000000000)) $((($(date +%s%N) - start) / 100000000 % 10)); }

name="$(basename "$script")"
rc=125
why=""
if [[ $inner_rc -eq 124 || $inner_rc -eq 137 ]]; then
  rc=124
  why="timed out after $timeout s"
elif [[ -f "$run/failure" ]]; then
  why="$(cat "$run/failure")"
elif [[ -f "$run/share/rc" ]]; then
  rc="$(cat "$run/share/rc")"
  [[ $rc -eq 0 ]] || why="guest script exited $rc"
else
  why="the guest stopped before the script finished (qemu exit $(cat "$run/qemu-rc" 2>/dev/null || echo '?'))"
fi

boot=""
[[ -f "$run/share/boot-seconds" ]] && boot=", script started $(cat "$run/share/boot-seconds") s after boot"
if [[ $rc -ne 0 && $rc -ne 77 ]] || [[ $verbose -eq 1 ]]; then
  show() {
    [[ -s "$2" ]] || return 0
    echo "---- $1"
    tail -n "$3" "$2"
  }
  show "guest output ($name)" "$run/share/guest.log" 400
  if [[ $rc -ne 0 ]]; then
    show "guest dmesg (tail)" "$run/share/dmesg" 40
    show "guest console (tail)" "$run/console.log" 40
    show "qemu" "$run/qemu.log" 20
    show "server (tail)" "$run/server.log" 40
    [[ -f "$run/server-rc" ]] && echo "---- server: $(cat "$run/server-rc")"
    for f in "$run"/socat-*.log; do
      [[ -e "$f" ]] && show "$(basename "$f")" "$f" 20
    done
  fi
  echo "----"
fi
case $rc in
0) echo "run-guest: $name passed in $(secs) s$boot" ;;
77) echo "run-guest: $name skipped in the guest ($(secs) s)" ;;
*) echo "run-guest: $name FAILED: $why ($(secs) s$boot)" ;;
esac
exit "$rc"
