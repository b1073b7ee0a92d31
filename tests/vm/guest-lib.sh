# Helpers for guest scripts, copied by run-guest.sh to /vmh/lib.sh. Source it first:
#   . /vmh/lib.sh
#   check "writes a file" my_function arg...   # runs in a subshell under `set -e`
#   finish                                     # prints "N passed, N failed", exit status
# A check passes when its function returns 0. Its output is shown only when it fails, so a
# green run stays short; ZF_VM_VERBOSE=1 shows everything.

zf_passed=0
zf_failed=0
zf_failed_names=()
zf_t0=$(date +%s%N)

# Seconds since the script started, with one decimal.
elapsed() {
  local ns=$(($(date +%s%N) - zf_t0))
  printf '%d.%d' $((ns / 1000000000)) $((ns / 100000000 % 10))
}

note() { echo "[$(elapsed)s] $*"; }

# check DESCRIPTION COMMAND [ARGS...]: one named check; failures are counted, not fatal.
check() {
  local name="$1"
  shift
  local out rc t0 t1
  out="$(mktemp)"
  t0=$(date +%s%N)
  (
    set -eo pipefail
    "$@"
  ) >"$out" 2>&1
  rc=$?
  t1=$(date +%s%N)
  local dt
  dt="$(printf '%d.%02d' $(((t1 - t0) / 1000000000)) $(((t1 - t0) / 10000000 % 100)))"
  if [[ $rc -eq 0 ]]; then
    zf_passed=$((zf_passed + 1))
    echo "ok   $name (${dt}s)"
    [[ "${ZF_VM_VERBOSE:-0}" == 1 ]] && sed 's/^/     | /' "$out"
  else
    zf_failed=$((zf_failed + 1))
    zf_failed_names+=("$name")
    echo "FAIL $name (${dt}s, exit $rc)"
    sed 's/^/     | /' "$out"
  fi
  rm -f "$out"
  return 0
}

# require COMMAND...: fatal precondition (mount, tool present); ends the script on failure.
require() {
  if ! "$@"; then
    echo "FAIL precondition: $*"
    dmesg | tail -n 20 | sed 's/^/     dmesg| /'
    exit 1
  fi
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
  if [[ "$2" != "$3" ]]; then
    echo "$1: expected '$2', got '$3'"
    return 1
  fi
}

# retry SECONDS COMMAND...: for conditions the guest cannot wait on otherwise (a device
# appearing, a server accepting); bounded.
retry() {
  local deadline=$(($(date +%s) + $1))
  shift
  until "$@"; do
    (($(date +%s) < deadline)) || return 1
    sleep 0.2
  done
}

# restart_server: asks the host (zerofs-server.sh) to kill the server with SIGKILL and start
# it again; returns once it listens again (fails after 120 s).
restart_server() {
  local n
  n=$(($(find /vmh -maxdepth 1 -name 'restarted-*' | wc -l) + 1))
  : >/vmh/kill-request
  retry 120 test -e "/vmh/restarted-$n"
}

finish() {
  echo "guest: $zf_passed passed, $zf_failed failed ($(elapsed)s)"
  if ((zf_failed)); then
    printf 'guest: failed: %s\n' "${zf_failed_names[@]}"
    echo "guest: dmesg tail:"
    dmesg | tail -n 30 | sed 's/^/     | /'
    exit 1
  fi
  exit 0
}
