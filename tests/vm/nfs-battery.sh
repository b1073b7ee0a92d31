#!/bin/bash
# Guest script: the NFSv3 battery. Exercises the kernel NFSv3 client against a server the
# way applications do, then unmounts, remounts and checks that data and metadata survived.
# Each check is independent where it can be; all of them run in one boot.
#   ZF_NFS_ADDR (default $ZF_SERVER), ZF_NFS_PORT (2049), ZF_NFS_MOUNTPORT (= port),
#   ZF_NFS_EXPORT (/), ZF_NFS_OPTS (extra mount options), ZF_BIG_MIB (256): the large file
#   ZF_USER_ID (1000): the unprivileged uid/gid for the permission checks
#   ZF_NFS_CRASH (0): 1 adds the crash check, which needs a server started by
#   zerofs-server.sh (it restarts the server on request, see restart_server in lib.sh)
# The export must be empty or hold no `battery` directory; it must not squash root.
. /vmh/lib.sh
addr="${ZF_NFS_ADDR:-$ZF_SERVER}"
port="${ZF_NFS_PORT:-2049}"
opts="vers=3,proto=tcp,port=$port,mountport=${ZF_NFS_MOUNTPORT:-$port},mountproto=tcp,nolock"
[[ -n "${ZF_NFS_OPTS:-}" ]] && opts+=",$ZF_NFS_OPTS"
big_mib="${ZF_BIG_MIB:-256}"
user="${ZF_USER_ID:-1000}"
mnt=/mnt/nfs
t="$mnt/battery"

nfs_mount() { mount -t nfs -o "$opts" "$addr:${ZF_NFS_EXPORT:-/}" "$mnt"; }
as_user() { setpriv --reuid="$user" --regid="$user" --clear-groups -- "$@"; }
drop_caches() { echo 3 >/proc/sys/vm/drop_caches; }
# Expects COMMAND to fail; prints its message so a log shows which errno it was.
must_fail() {
  if "$@" 2>/tmp/must_fail.err; then
    echo "unexpectedly succeeded: $*"
    return 1
  fi
  echo "failed as expected: $(cat /tmp/must_fail.err)"
}

mkdir -p "$mnt"
note "mount -t nfs -o $opts $addr:${ZF_NFS_EXPORT:-/} $mnt"
require nfs_mount
require mkdir "$t"

write_fsync_read() {
  head -c 3000000 /dev/urandom >/tmp/w
  dd if=/tmp/w of="$t/w" bs=64k conv=fsync status=none
  expect_eq "size" 3000000 "$(stat -c %s "$t/w")"
  drop_caches
  expect_eq "md5 after drop_caches" "$(md5sum </tmp/w)" "$(md5sum <"$t/w")"
  # Overwrite in the middle, then append, with an fsync each time.
  printf 'MIDDLE' | dd of="$t/w" bs=1 seek=1000000 conv=notrunc,fsync status=none
  printf 'TAIL' >>"$t/w"
  sync "$t/w"
  printf 'MIDDLE' | dd of=/tmp/w bs=1 seek=1000000 conv=notrunc status=none
  printf 'TAIL' >>/tmp/w
  drop_caches
  expect_eq "md5 after overwrite+append" "$(md5sum </tmp/w)" "$(md5sum <"$t/w")"
  echo new >"$t/empty-then-new"
  : >"$t/empty"
  expect_eq "empty file size" 0 "$(stat -c %s "$t/empty")"
}

deep_and_wide() {
  local p="$t/deep"
  for i in $(seq 1 40); do p+="/level$i"; done
  mkdir -p "$p"
  echo bottom >"$p/file"
  drop_caches
  expect_eq "deep file" bottom "$(cat "$p/file")"
  expect_eq "deep dirs" 41 "$(find "$t/deep" -type d | wc -l)"
  mkdir "$t/wide"
  for i in $(seq 1 600); do : >"$t/wide/entry-with-a-longish-name-$i"; done
  drop_caches
  expect_eq "readdir count" 600 "$(ls -f "$t/wide" | grep -c '^entry-')"
  expect_eq "readdir unique" 600 "$(ls -f "$t/wide" | grep '^entry-' | sort -u | wc -l)"
  rm "$t/wide/entry-with-a-longish-name-"{1..300}
  expect_eq "after removing half" 300 "$(ls "$t/wide" | wc -l)"
  must_fail rmdir "$t/wide"
  rm -r "$t/wide"
  [[ ! -e "$t/wide" ]]
}

renames() {
  mkdir -p "$t/ra" "$t/rb/sub"
  echo one >"$t/ra/one"
  local ino
  ino="$(stat -c %i "$t/ra/one")"
  mv "$t/ra/one" "$t/ra/uno"
  expect_eq "same-dir rename keeps inode" "$ino" "$(stat -c %i "$t/ra/uno")"
  mv "$t/ra/uno" "$t/rb/sub/eins"
  expect_eq "cross-dir rename keeps inode" "$ino" "$(stat -c %i "$t/rb/sub/eins")"
  [[ ! -e "$t/ra/uno" ]]
  # rename over an existing file replaces it atomically
  echo old >"$t/rb/target"
  mv -f "$t/rb/sub/eins" "$t/rb/target"
  expect_eq "replaced content" one "$(cat "$t/rb/target")"
  # directory rename across parents, with contents
  mkdir -p "$t/ra/dir/inner"
  echo x >"$t/ra/dir/inner/x"
  mv "$t/ra/dir" "$t/rb/moved"
  expect_eq "moved dir content" x "$(cat "$t/rb/moved/inner/x")"
  expect_eq "parent link count" 4 "$(stat -c %h "$t/rb")"
  # a directory cannot replace a non-empty directory, nor move into itself
  mkdir -p "$t/ra/full/f" "$t/ra/e"
  must_fail mv -T "$t/ra/e" "$t/ra/full"
  must_fail mv "$t/rb/moved" "$t/rb/moved/inner/"
  drop_caches
  expect_eq "listing of rb" "moved sub target" "$(ls "$t/rb" | tr '\n' ' ' | sed 's/ $//')"
}

links() {
  mkdir "$t/ln"
  echo linked >"$t/ln/a"
  ln "$t/ln/a" "$t/ln/b"
  expect_eq "nlink" 2 "$(stat -c %h "$t/ln/a")"
  expect_eq "same inode" "$(stat -c %i "$t/ln/a")" "$(stat -c %i "$t/ln/b")"
  echo more >>"$t/ln/b"
  expect_eq "write through the other name" "$(printf 'linked\nmore')" "$(cat "$t/ln/a")"
  rm "$t/ln/a"
  expect_eq "nlink after unlink" 1 "$(stat -c %h "$t/ln/b")"
  ln -s b "$t/ln/s"
  ln -s /nonexistent/target "$t/ln/dangling"
  ln -s ../ln "$t/ln/dirlink"
  expect_eq "readlink" b "$(readlink "$t/ln/s")"
  expect_eq "read through symlink" "$(cat "$t/ln/b")" "$(cat "$t/ln/s")"
  expect_eq "dangling readlink" /nonexistent/target "$(readlink "$t/ln/dangling")"
  [[ -L "$t/ln/dangling" && ! -e "$t/ln/dangling" ]]
  expect_eq "through a dir symlink" "$(cat "$t/ln/b")" "$(cat "$t/ln/dirlink/b")"
  expect_eq "symlink type" "symbolic link" "$(stat -c %F "$t/ln/s")"
  must_fail ln "$t/ln" "$t/ln-hard-dir"
  mkfifo "$t/ln/fifo"
  expect_eq "fifo type" fifo "$(stat -c %F "$t/ln/fifo")"
}

perms_root() {
  mkdir "$t/pr"
  echo secret >"$t/pr/f"
  chmod 0640 "$t/pr/f"
  chown 1234:5678 "$t/pr/f"
  drop_caches
  expect_eq "mode/uid/gid" "640 1234 5678" "$(stat -c '%a %u %g' "$t/pr/f")"
  chmod 4755 "$t/pr/f"
  expect_eq "setuid mode" 4755 "$(stat -c %a "$t/pr/f")"
  chmod 1777 "$t/pr"
  expect_eq "sticky dir" 1777 "$(stat -c %a "$t/pr")"
}

perms_user() {
  mkdir "$t/pu"
  chown "$user:$user" "$t/pu"
  as_user sh -c "echo mine >'$t/pu/mine'"
  expect_eq "owner of a user's new file" "$user $user" "$(stat -c '%u %g' "$t/pu/mine")"
  as_user chmod 0600 "$t/pu/mine"
  expect_eq "mode set by owner" 600 "$(stat -c %a "$t/pu/mine")"
  as_user mkdir -p "$t/pu/a/b"
  as_user mv "$t/pu/a/b" "$t/pu/c"
  # what the user may not do
  must_fail as_user chown 0 "$t/pu/mine"
  must_fail as_user chgrp 0 "$t/pu/mine"
  echo root-only >"$t/pu/rootfile"
  chmod 0600 "$t/pu/rootfile"
  drop_caches
  must_fail as_user cat "$t/pu/rootfile"
  chmod 0644 "$t/pu/rootfile"
  must_fail as_user sh -c "echo x >>'$t/pu/rootfile'"
  must_fail as_user chmod 0777 "$t/pu/rootfile"
  must_fail as_user touch "$t/newfile-in-root-dir"
  # root reads the user's 0600 file (no root squash)
  expect_eq "root reads user file" mine "$(cat "$t/pu/mine")"
  # sticky directory: a user cannot remove another's file
  mkdir "$t/sticky"
  chmod 1777 "$t/sticky"
  echo r >"$t/sticky/roots"
  must_fail as_user rm -f "$t/sticky/roots"
  as_user sh -c "echo u >'$t/sticky/users'"
  as_user rm "$t/sticky/users"
}

truncation() {
  head -c 100000 /dev/urandom >/tmp/tr
  cp /tmp/tr "$t/tr"
  truncate -s 100 "$t/tr"
  expect_eq "size after shrink" 100 "$(stat -c %s "$t/tr")"
  truncate -s 1048576 "$t/tr"
  expect_eq "size after grow" 1048576 "$(stat -c %s "$t/tr")"
  drop_caches
  expect_eq "kept prefix" "$(head -c 100 /tmp/tr | md5sum)" "$(head -c 100 "$t/tr" | md5sum)"
  expect_eq "zeros after the old end" "$(head -c 1048476 /dev/zero | md5sum)" \
    "$(tail -c +101 "$t/tr" | md5sum)"
  truncate -s 0 "$t/tr"
  expect_eq "size zero" 0 "$(stat -c %s "$t/tr")"
  # a sparse file: a write far past the end reads back zeros before it
  printf 'end' | dd of="$t/sparse" bs=1 seek=$((16 * 1024 * 1024)) status=none
  expect_eq "sparse size" $((16 * 1024 * 1024 + 3)) "$(stat -c %s "$t/sparse")"
  expect_eq "hole reads zero" "$(head -c 4096 /dev/zero | md5sum)" \
    "$(dd if="$t/sparse" bs=4096 skip=1000 count=1 status=none | md5sum)"
}

times() {
  touch "$t/times"
  touch -m -d '2001-02-03 04:05:06 UTC' "$t/times"
  touch -a -d '1999-12-31 23:59:59 UTC' "$t/times"
  drop_caches
  expect_eq "mtime" 981173106 "$(stat -c %Y "$t/times")"
  expect_eq "atime" 946684799 "$(stat -c %X "$t/times")"
  touch -d '@1700000000.123456789' "$t/times"
  expect_eq "mtime with ns" 1700000000.123456789 "$(stat -c %.9Y "$t/times")"
  local before
  before="$(stat -c %Y "$t/times")"
  echo bump >>"$t/times"
  sync "$t/times"
  (($(stat -c %Y "$t/times") > before))
  mkdir "$t/tdir"
  touch -d '2010-01-01 00:00:00 UTC' "$t/tdir"
  expect_eq "dir mtime" 1262304000 "$(stat -c %Y "$t/tdir")"
}

big_file() {
  head -c "$((big_mib * 1048576))" /dev/urandom | tee "$t/big" | md5sum >/tmp/big.md5
  sync "$t/big"
  expect_eq "big size" $((big_mib * 1048576)) "$(stat -c %s "$t/big")"
}

sqlite() {
  sqlite3 "$t/db.sqlite" <<'SQL'
PRAGMA journal_mode=DELETE;
CREATE TABLE kv(k INTEGER PRIMARY KEY, v TEXT NOT NULL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO kv SELECT i, printf('value-%06d', i) FROM n;
SQL
  sqlite3 "$t/db.sqlite" "UPDATE kv SET v = v || '!' WHERE k % 7 = 0; DELETE FROM kv WHERE k > 1900;"
  drop_caches
  expect_eq "count" 1900 "$(sqlite3 "$t/db.sqlite" 'SELECT count(*) FROM kv')"
  expect_eq "sum" 1805950 "$(sqlite3 "$t/db.sqlite" 'SELECT sum(k) FROM kv')"
  expect_eq "updated" 271 "$(sqlite3 "$t/db.sqlite" "SELECT count(*) FROM kv WHERE v LIKE '%!'")"
  expect_eq "integrity" ok "$(sqlite3 "$t/db.sqlite" 'PRAGMA integrity_check')"
}

# Everything but atime, which the client may update on reads; the big file's bytes are
# checked on their own.
snapshot() {
  (cd "$t" && find . -printf '%p %y %m %U %G %s %n %T@ %l\n' | LC_ALL=C sort)
  (cd "$t" && find . -type f ! -name big -print0 | LC_ALL=C sort -z | xargs -0 md5sum)
}

remount() {
  snapshot >/tmp/before
  umount "$mnt"
  nfs_mount
  snapshot >/tmp/after
  diff /tmp/before /tmp/after
  expect_eq "sqlite after remount" 1900 "$(sqlite3 "$t/db.sqlite" 'SELECT count(*) FROM kv')"
}

# md5 runs slowly under TCG: the large file is read back once, from a fresh mount.
big_file_verify() {
  expect_eq "big md5 after remount" "$(cat /tmp/big.md5)" "$(md5sum <"$t/big")"
}

statfs() {
  df -k "$mnt" | tail -1
  (($(stat -f -c %b "$mnt") > 0))
}

check "create/write/fsync/read, overwrite, append" write_fsync_read
check "mkdir -p 40 deep, 600 entries, readdir, rm -r" deep_and_wide
check "rename within and across directories" renames
check "hard links, symlinks, fifo" links
check "chmod/chown as root" perms_root
check "permissions as uid $user" perms_user
check "truncate down and up, sparse file" truncation
check "touch -d, mtime/atime, ns precision" times
check "$big_mib MiB file written (md5 on the way)" big_file
check "sqlite3 create/insert/update/select" sqlite
check "statfs" statfs
check "unmount, remount, verify tree, data, sqlite" remount
check "$big_mib MiB file md5 after remount" big_file_verify
# The server is killed with SIGKILL and restarted under the mounted client: what was
# fsynced must be intact, and what was written but not yet committed must be re-sent by the
# client when it sees the new write verifier, so it is intact too after an fsync.
crash_restart() {
  head -c 5000000 /dev/urandom >/tmp/synced
  dd if=/tmp/synced of="$t/synced" bs=1M conv=fsync status=none
  # Held open across the crash (close would commit it): background writeback, started at
  # once by the low threshold, sends it as UNSTABLE writes the server may not have made
  # durable when it dies.
  head -c 3000000 /dev/urandom >/tmp/unsynced
  local background
  background="$(cat /proc/sys/vm/dirty_background_ratio)"
  echo 65536 >/proc/sys/vm/dirty_background_bytes
  exec 3>"$t/unsynced"
  cat /tmp/unsynced >&3
  note "killing the server with SIGKILL"
  restart_server
  note "the server is back"
  echo "$background" >/proc/sys/vm/dirty_background_ratio  # also clears the bytes limit
  drop_caches
  expect_eq "fsynced file after SIGKILL" "$(md5sum </tmp/synced)" "$(md5sum <"$t/synced")"
  sync "$t/unsynced"
  exec 3>&-
  drop_caches
  expect_eq "unsynced file, fsynced after the restart" "$(md5sum </tmp/unsynced)" \
    "$(md5sum <"$t/unsynced")"
  echo after >"$t/after-restart"
  sync "$t/after-restart"
  expect_eq "new file after the restart" after "$(cat "$t/after-restart")"
}
if [[ "${ZF_NFS_CRASH:-0}" == 1 ]]; then
  check "SIGKILL the server, restart: fsynced data intact" crash_restart
fi
check "clean up and unmount" sh -c "rm -rf '$t' && umount '$mnt'"
finish
