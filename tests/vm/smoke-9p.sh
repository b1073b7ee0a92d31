#!/bin/bash
# Guest script: mounts a 9P2000.L server with the kernel's v9fs client over TCP and checks
# that bytes and names cross the wire. Runs against any 9P server (diod stands in until
# zerofs serves 9P).
#   ZF_NINEP_ADDR (default $ZF_SERVER), ZF_NINEP_PORT (default 5564), ZF_NINEP_ANAME
#   ZF_TOKEN: written to /marker so the host can check the server stored it
. /vmh/lib.sh
addr="${ZF_NINEP_ADDR:-$ZF_SERVER}"
port="${ZF_NINEP_PORT:-5564}"
mnt=/mnt/9p
opts="trans=tcp,port=$port,version=9p2000.L,access=user,msize=1048576"
[[ -n "${ZF_NINEP_ANAME:-}" ]] && opts+=",aname=$ZF_NINEP_ANAME"

mkdir -p "$mnt"
note "mount -t 9p -o $opts $addr $mnt"
require mount -t 9p -o "$opts" "$addr" "$mnt"

data_roundtrip() {
  head -c 8M /dev/urandom >/tmp/src
  cp /tmp/src "$mnt/blob"
  sync "$mnt/blob"
  echo 3 >/proc/sys/vm/drop_caches
  expect_eq "md5 of blob" "$(md5sum </tmp/src)" "$(md5sum <"$mnt/blob")"
  expect_eq "size of blob" 8388608 "$(stat -c %s "$mnt/blob")"
}
names() {
  mkdir -p "$mnt/d1/d2/d3"
  echo hello >"$mnt/d1/d2/d3/f"
  mv "$mnt/d1/d2/d3/f" "$mnt/d1/g"
  ln -s d1/g "$mnt/sym"
  ln "$mnt/d1/g" "$mnt/hard"
  expect_eq "readlink" d1/g "$(readlink "$mnt/sym")"
  expect_eq "read via symlink" hello "$(cat "$mnt/sym")"
  expect_eq "link count" 2 "$(stat -c %h "$mnt/d1/g")"
  [[ ! -e "$mnt/d1/d2/d3/f" ]]
  rm -r "$mnt/d1" "$mnt/sym" "$mnt/hard"
  [[ -z "$(ls -A "$mnt" | grep -v -e '^blob$' -e '^marker$')" ]]
}
marker() {
  printf '%s\n' "${ZF_TOKEN:-none}" >"$mnt/marker"
  sync "$mnt/marker"
}
check "8 MiB write, drop caches, read back" data_roundtrip
check "mkdir -p, rename, symlink, hard link, rm -r" names
check "marker for the host" marker
check "unmount" umount "$mnt"
finish
