#!/bin/sh
# /init of the test guest's initramfs (busybox sh). It lays the host's root, read-only over
# virtio-9p, under a tmpfs overlay, mounts the per-run share on /vmh, runs /vmh/guest.sh in a
# chroot and stops qemu through isa-debug-exit. chroot, not switch_root: the kernel's
# module loader keeps finding /sbin/modprobe in this initramfs.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

# Stops qemu at once: isa-debug-exit on port 0xf4. poweroff is the fallback if the device
# is missing; with -no-reboot a panic ends qemu as well.
leave() {
  sync
  printf '\000' | dd of=/dev/port bs=1 seek=244 count=1 conv=notrunc 2>/dev/null
  poweroff -f
}
die() {
  echo "zf-init: $*"
  leave
}

while read -r m; do
  [ -n "$m" ] || continue
  modprobe "$m" || echo "zf-init: modprobe $m failed"
done </modules.list

ip link set lo up
ip link set eth0 up || die "no eth0"
ip addr add 10.0.2.15/24 dev eth0

mkdir -p /lower /upper /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 hostroot /lower ||
  die "cannot mount the host root"
mount -t tmpfs -o mode=0755 upper /upper
mkdir -p /upper/data /upper/work
mount -t overlay -o lowerdir=/lower,upperdir=/upper/data,workdir=/upper/work overlay /newroot ||
  die "cannot mount the overlay"

r=/newroot
mount -t proc proc $r/proc
mount -t sysfs sys $r/sys
mount -t devtmpfs dev $r/dev
mkdir -p $r/dev/pts $r/dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $r/dev/pts
mount -t tmpfs -o mode=1777 shm $r/dev/shm
for d in /tmp /var/tmp; do mount -t tmpfs -o mode=1777 tmp $r$d; done
mount -t tmpfs -o mode=0755 run $r/run
mkdir -p $r/vmh
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=none vmh $r/vmh ||
  die "cannot mount the run share"
hostname zerofs-vm
cut -d' ' -f1 /proc/uptime >$r/vmh/boot-seconds

# The run share carries guest.sh, lib.sh, env and args (one a line); everything the script prints lands in
# /vmh/guest.log.
chroot $r /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  /bin/bash -c 'cd /vmh && set -a && . /vmh/env && set +a && mapfile -t a </vmh/args &&
    exec /bin/bash /vmh/guest.sh "${a[@]}"' >$r/vmh/guest.log 2>&1 </dev/null
rc=$?
dmesg >$r/vmh/dmesg 2>&1
echo "$rc" >$r/vmh/rc.tmp && mv $r/vmh/rc.tmp $r/vmh/rc
leave
