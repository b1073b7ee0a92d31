#!/bin/bash
# Guest script: mounts an NFSv3 server with the kernel client over TCP and checks that bytes
# and names cross the wire. Runs against any NFSv3 server (nfs-ganesha stands in until
# zerofs serves NFS).
#   ZF_NFS_ADDR (default $ZF_SERVER), ZF_NFS_PORT (2049), ZF_NFS_MOUNTPORT (= port),
#   ZF_NFS_EXPORT (/), ZF_NFS_OPTS (extra mount options)
#   ZF_TOKEN: written to /marker so the host can check the server stored it
. /vmh/lib.sh
addr="${ZF_NFS_ADDR:-$ZF_SERVER}"
port="${ZF_NFS_PORT:-2049}"
opts="vers=3,proto=tcp,port=$port,mountport=${ZF_NFS_MOUNTPORT:-$port},mountproto=tcp,nolock"
[[ -n "${ZF_NFS_OPTS:-}" ]] && opts+=",$ZF_NFS_OPTS"
mnt=/mnt/nfs

mkdir -p "$mnt"
note "mount -t nfs -o $opts $addr:${ZF_NFS_EXPORT:-/} $mnt"
require mount -t nfs -o "$opts" "$addr:${ZF_NFS_EXPORT:-/}" "$mnt"

data_roundtrip() {
  head -c 8M /dev/urandom >/tmp/src
  cp /tmp/src "$mnt/blob"
  sync "$mnt/blob"
  echo 3 >/proc/sys/vm/drop_caches
  expect_eq "md5 of blob" "$(md5sum </tmp/src)" "$(md5sum <"$mnt/blob")"
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
