#!/bin/sh
# Smoke tests of the zerofs executables, one case per ctest test (see apps/CMakeLists.txt).
# Usage: cli_test.sh CASE ZEROFS ZEROFS_SERVER ZEROFS_COMPACTOR VERSION
set -u
case_name=$1 zerofs=$2 server=$3 compactor=$4 version=$5

work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
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
  run_prints_summary_then_fails)
    write_config '[servers.nfs]'
    expect 1 "$zerofs" run -c "$work/z.toml" --checkpoint snap
    contains out "servers.nfs"
    contains out "read-only at checkpoint 'snap'"
    contains err "zerofs run: serving is not available in this build yet"
    expect 1 "$server" -c "$work/z.toml" --read-only
    contains out "read-only replica"
    contains err "zerofs-server: serving is not available" ;;
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
