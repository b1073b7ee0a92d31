#!/bin/bash
# Guest script: attaches an NBD export with the kernel's nbd client, makes ext4 on it,
# writes, remounts and reconnects, and checks the bytes. Runs against any NBD server
# (nbdkit stands in until zerofs serves NBD). The export needs >= 64 MiB.
#   ZF_NBD_ADDR (default $ZF_SERVER), ZF_NBD_PORT (default 10809), ZF_NBD_EXPORT (name)
#   ZF_TOKEN: written to a/b/c/marker on the ext4
. /vmh/lib.sh
addr="${ZF_NBD_ADDR:-$ZF_SERVER}"
port="${ZF_NBD_PORT:-10809}"
dev=/dev/nbd0
mnt=/mnt/nbd
connect=(nbd-client "$addr" "$port" "$dev")
[[ -n "${ZF_NBD_EXPORT:-}" ]] && connect+=(-N "$ZF_NBD_EXPORT")

mkdir -p "$mnt"
note "${connect[*]}"
require "${connect[@]}"
require retry 10 test "$(cat /sys/block/nbd0/size)" -gt 0

mkfs_mount() {
  mkfs.ext4 -q -F -E lazy_itable_init=1,lazy_journal_init=1 "$dev"
  mount -t ext4 "$dev" "$mnt"
}
write_files() {
  head -c 32M /dev/urandom >/tmp/src
  cp /tmp/src "$mnt/blob"
  mkdir -p "$mnt/a/b/c"
  printf '%s\n' "${ZF_TOKEN:-none}" >"$mnt/a/b/c/marker"
  sync -f "$mnt"
  expect_eq "md5 before remount" "$(md5sum </tmp/src)" "$(md5sum <"$mnt/blob")"
}
remount_verify() {
  umount "$mnt"
  mount -t ext4 "$dev" "$mnt"
  expect_eq "md5 after remount" "$(md5sum </tmp/src)" "$(md5sum <"$mnt/blob")"
}
reconnect_verify() {
  umount "$mnt"
  nbd-client -d "$dev"
  retry 10 test "$(cat /sys/block/nbd0/size)" -eq 0
  "${connect[@]}"
  retry 10 test "$(cat /sys/block/nbd0/size)" -gt 0
  fsck.ext4 -n -f "$dev"
  mount -t ext4 "$dev" "$mnt"
  expect_eq "md5 after reconnect" "$(md5sum </tmp/src)" "$(md5sum <"$mnt/blob")"
  expect_eq "marker" "${ZF_TOKEN:-none}" "$(cat "$mnt/a/b/c/marker")"
}
finish_dev() {
  umount "$mnt"
  nbd-client -d "$dev"
}
check "mkfs.ext4 and mount" mkfs_mount
check "32 MiB file + tree, sync" write_files
check "unmount, mount, md5" remount_verify
check "disconnect, reconnect, fsck -n, md5" reconnect_verify
check "unmount and disconnect" finish_dev
finish
