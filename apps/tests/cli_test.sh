#!/bin/sh
# Smoke tests of the zerofs executables, one case per ctest test (see apps/CMakeLists.txt).
# Usage: cli_test.sh CASE ZEROFS ZEROFS_SERVER ZEROFS_COMPACTOR VERSION
set -u
case_name=$1 zerofs=$2 server=$3 compactor=$4 version=$5

work=$(mktemp -d) || exit 1
# A known environment: the template reads HOME and ZEROFS_PASSWORD.
export HOME="$work" ZEROFS_PASSWORD=smoke-test-password
unset ZEROFS_UNSET_VARIABLE

die() { echo "FAIL: $*" >&2; exit 1; }

# expect CODE COMMAND...: runs COMMAND, keeps stdout/stderr in $work/out, $work/err.
expect() {
  want=$1; shift
  "$@" >"$work/out" 2>"$work/err"
  got=$?
  [ "$got" -eq "$want" ] || {
    cat "$work/out" "$work/err" >&2
    die "'$*' exited $got, expected $want"
  }
}
# contains FILE TEXT: FILE has a line containing TEXT (fixed string).
contains() { grep -qF -- "$2" "$work/$1" || { cat "$work/$1" >&2; die "$1 lacks '$2'"; }; }

# start_server: `zerofs run -c $work/z.toml` in the background, its log in $work/log;
# returns once it logs "zerofs is ready" (fails if it exits first or takes over 60 s).
start_server() {
  # Emptied here, not only by the redirection: the background process may open the log after
  # the first grep below, which would then find the previous run's "zerofs is ready".
  : >"$work/log"
  "$zerofs" run -c "$work/z.toml" >"$work/log.out" 2>"$work/log" &
  server_pid=$!
  tries=0
  until grep -q "zerofs is ready" "$work/log"; do
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/log" >&2; die "zerofs run exited early"; }
    tries=$((tries + 1))
    [ $tries -lt 600 ] || { cat "$work/log" >&2; die "zerofs run not ready in 60 s"; }
    sleep 0.1
  done
}
# stop_server SIGNAL STATUS: sends SIGNAL, expects the exit status STATUS.
stop_server() {
  kill -s "$1" "$server_pid"
  wait "$server_pid"
  got=$?
  [ "$got" -eq "$2" ] || { cat "$work/log" >&2; die "zerofs run exited $got after SIG$1, expected $2"; }
}
trap '[ -n "${server_pid:-}" ] && kill -9 "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT

write_config() {  # a minimal valid config plus "$1" appended
  printf '[storage]\nurl = "file://%s/data"\nencryption_password = "${ZEROFS_PASSWORD}"\n%s\n' \
    "$work" "$1" >"$work/z.toml"
}

case "$case_name" in
  help)
    expect 0 "$zerofs" --help
    contains out "Usage: zerofs"
    for c in init run compactor checkpoint change-password fsck config-check; do
      contains out "  $c"
    done ;;
  version)
    expect 0 "$zerofs" --version
    [ "$(cat "$work/out")" = "zerofs $version" ] || die "version output: $(cat "$work/out")"
    expect 0 "$server" --version
    contains out "zerofs-server $version" ;;
  server_help)
    expect 0 "$server" --help
    contains out "Usage: zerofs-server -c FILE"
    contains out "--read-only" ;;
  compactor_help)
    expect 0 "$compactor" --help
    contains out "Usage: zerofs-compactor -c FILE" ;;
  command_help)
    for c in init run compactor checkpoint change-password fsck config-check; do
      expect 0 "$zerofs" "$c" --help
      contains out "Usage: zerofs $c"
    done ;;
  usage_errors)
    expect 2 "$zerofs"
    contains err "no command given"
    expect 2 "$zerofs" frobnicate
    contains err "unknown command 'frobnicate'"
    contains err "Usage: zerofs"
    expect 2 "$zerofs" run
    contains err "zerofs run: the option '--config' is required but missing"
    expect 2 "$zerofs" run -c x.toml --bogus
    expect 2 "$server"
    expect 2 "$zerofs" checkpoint create -c x.toml
    contains err "'create' needs a checkpoint NAME"
    expect 2 "$zerofs" checkpoint rename a -c x.toml
    expect 2 "$zerofs" init a b ;;
  init_stdout_parses)
    expect 0 "$zerofs" init -
    cp "$work/out" "$work/z.toml"
    contains z.toml 'encryption_password = "${ZEROFS_PASSWORD}"'
    expect 0 "$zerofs" config-check -c "$work/z.toml"
    contains out "storage.url"
    contains out "file://$work/.local/share/zerofs/data"
    contains out "127.0.0.1:2049"
    if grep -qF "$ZEROFS_PASSWORD" "$work/out"; then die "summary shows the password"; fi ;;
  init_file_parses)
    cd "$work" || exit 1
    expect 0 "$zerofs" init
    [ -f "$work/zerofs.toml" ] || die "zerofs init did not create zerofs.toml"
    expect 0 "$zerofs" config-check -c zerofs.toml ;;
  init_refuses_overwrite)
    echo "keep me" >"$work/z.toml"
    expect 1 "$zerofs" init "$work/z.toml"
    contains err "already exists (use --force to overwrite it)"
    [ "$(cat "$work/z.toml")" = "keep me" ] || die "init overwrote the file"
    expect 0 "$zerofs" init --force "$work/z.toml"
    expect 0 "$zerofs" config-check -c "$work/z.toml" ;;
  unknown_key_fails)
    write_config '[lsm]
foo = 1'
    expect 1 "$zerofs" config-check -c "$work/z.toml"
    contains err "zerofs config-check: config error: $work/z.toml:5: unknown key 'lsm.foo'"
    expect 1 "$zerofs" run -c "$work/z.toml"
    contains err "unknown key 'lsm.foo'" ;;
  missing_variable_fails)
    write_config '[aws]
access_key_id = "${ZEROFS_UNSET_VARIABLE}"'
    expect 1 "$zerofs" fsck -c "$work/z.toml"
    contains err "aws.access_key_id: environment variable ZEROFS_UNSET_VARIABLE is not set"
    expect 1 "$zerofs" config-check -c "$work/missing.toml"
    contains err "cannot open $work/missing.toml" ;;
  run_config_errors)
    write_config ''
    expect 1 "$zerofs" run -c "$work/z.toml"
    contains err "zerofs run: no server to run: add a [servers.nfs] section"
    write_config '[servers.nfs]
addresses = []
unix_socket = "'"$work"'/nfs.sock"'
    expect 1 "$server" -c "$work/z.toml"
    contains err "zerofs-server: servers.nfs.unix_socket: the NFS server listens on TCP addresses only"
    write_config '[servers.nfs]
addresses = ["127.0.0.1:0"]
[wal]
url = "file://'"$work"'/z.toml/wal"'
    expect 1 "$zerofs" run -c "$work/z.toml"
    contains err "zerofs run: wal.url file://$work/z.toml/wal: "
    # A port that is taken: the listener error names the section and the address.
    write_config '[servers.nfs]
addresses = ["127.0.0.1:0"]'
    start_server
    port=$(sed -n 's/.*NFS server listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/log" | head -1)
    cp "$work/z.toml" "$work/first.toml"
    printf '[storage]\nurl = "file://%s/other"\nencryption_password = "x"\n[servers.nfs]\naddresses = ["127.0.0.1:%s"]\n' \
      "$work" "$port" >"$work/z.toml"
    expect 1 "$zerofs" run -c "$work/z.toml"
    contains err "zerofs run: servers.nfs: cannot listen on 127.0.0.1:$port"
    stop_server TERM 0
    # The summary of the configuration comes first, on stdout, with the mode.
    write_config '[servers.nfs]
addresses = ["127.0.0.1:0"]'
    expect 1 "$zerofs" run -c "$work/z.toml" --checkpoint snap
    contains out "read-only at checkpoint 'snap'"
    contains err "zerofs run: cannot open the filesystem at storage.url file://$work/data" ;;
  run_wrong_password)
    write_config '[servers.nfs]
addresses = ["127.0.0.1:0"]'
    start_server
    stop_server TERM 0
    ZEROFS_PASSWORD=not-the-password
    expect 1 "$zerofs" run -c "$work/z.toml"
    contains err "zerofs run: storage.encryption_password: wrong encryption password"
    if grep -q "zerofs is ready" "$work/err"; then die "served with a wrong password"; fi ;;
  run_sigterm_exits_zero)
    write_config '[servers.nfs]
addresses = ["127.0.0.1:0"]'
    start_server
    contains log "NFS server listening on 127.0.0.1:"
    port=$(sed -n 's/.*NFS server listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/log" | head -1)
    have_nfs_cp=0
    if command -v nfs-cp >/dev/null && command -v nfs-cat >/dev/null; then have_nfs_cp=1; fi
    if [ $have_nfs_cp -eq 1 ]; then
      head -c 3000000 /dev/urandom >"$work/payload"
      expect 0 nfs-cp "$work/payload" "nfs://127.0.0.1//payload?version=3&nfsport=$port&mountport=$port"
    fi
    stop_server TERM 0
    contains log "received SIGTERM"
    contains log "everything is durable; exiting"
    start_server
    if [ $have_nfs_cp -eq 1 ]; then
      port=$(sed -n 's/.*NFS server listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/log" | head -1)
      nfs-cat "nfs://127.0.0.1//payload?version=3&nfsport=$port&mountport=$port" >"$work/back" ||
        die "nfs-cat failed after the restart"
      cmp "$work/payload" "$work/back" || die "the file differs after SIGTERM and a restart"
    fi
    stop_server INT 0 ;;
  stub_commands_fail)
    write_config ''
    expect 1 "$zerofs" compactor -c "$work/z.toml"
    contains err "zerofs compactor: compaction is not available"
    expect 1 "$compactor" -c "$work/z.toml"
    expect 1 "$zerofs" fsck -c "$work/z.toml"
    echo "new-password" >"$work/pw"
    expect 1 "$zerofs" change-password -c "$work/z.toml" <"$work/pw"
    contains err "changing the password is not available"
    expect 1 "$zerofs" change-password -c "$work/z.toml" </dev/null
    contains err "no new password on standard input" ;;
  checkpoint_needs_rpc)
    write_config ''
    expect 1 "$zerofs" checkpoint list -c "$work/z.toml"
    contains err "has no [servers.rpc] section"
    write_config '[servers.rpc]'
    expect 1 "$zerofs" checkpoint create snap -c "$work/z.toml"
    contains err "zerofs checkpoint create: checkpoint management is not available" ;;
  *) die "unknown case $case_name" ;;
esac
exit 0
