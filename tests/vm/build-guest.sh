#!/usr/bin/env bash
# Builds the test guest (kernel + initramfs) from Debian packages and caches it outside the
# repository. Prints the directory holding `vmlinux` and `initrd` on stdout; progress goes
# to stderr. Idempotent: a cached build whose key matches is reused without any network.
#
# The key is the kernel ABI package and its version, the busybox-static version and the
# hashes of this script and guest-init.sh, so a new kernel or a changed recipe rebuilds.
# Without apt lists (apt-cache knows no linux-image-amd64) the last good build is used.
#
#   ZEROFS_VM_CACHE=DIR   cache directory (default ~/.cache/zerofs-vm)
#   --print-key           print the cache key only
#   --force               rebuild even if the cache matches
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${ZEROFS_VM_CACHE:-${HOME:-/root}/.cache/zerofs-vm}"
modules=(virtio_pci virtio_net 9pnet_virtio 9pnet_fd 9p overlay nfsv3 nbd ext4 crc32c_generic loop)

log() { echo "build-guest: $*" >&2; }
die() {
  log "$*"
  exit 1
}

force=0
print_key=0
for a in "$@"; do
  case "$a" in
  --force) force=1 ;;
  --print-key) print_key=1 ;;
  *) die "unknown argument $a" ;;
  esac
done

if ! command -v busybox >/dev/null || ! busybox --list | grep -x depmod >/dev/null; then
  die "busybox-static is missing (apt-get install busybox-static)"
fi
file_is_static() { ! LC_ALL=C ldd "$1" >/dev/null 2>&1; }
file_is_static "$(command -v busybox)" || die "busybox is not the static build (busybox-static)"

pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }
candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}' || true; }

kpkg="$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}' || true)"
kver_pkg=""
[[ -n "$kpkg" ]] && kver_pkg="$(candidate "$kpkg")"
if [[ -z "$kpkg" || -z "$kver_pkg" || "$kver_pkg" == "(none)" ]]; then
  if [[ -e "$cache/current/vmlinux" && -e "$cache/current/initrd" ]]; then
    log "apt lists know no kernel package; using the cached $(readlink "$cache/current")"
    [[ $print_key -eq 1 ]] && basename "$(readlink -f "$cache/current")" && exit 0
    readlink -f "$cache/current"
    exit 0
  fi
  die "apt-cache cannot name the kernel package (run apt-get update) and nothing is cached"
fi

recipe_hash="$(cat "${BASH_SOURCE[0]}" "$here/guest-init.sh" | sha256sum | cut -c1-12)"
key="$kpkg-$kver_pkg-bb$(pkg_version busybox-static)-$recipe_hash"
key="${key//[^A-Za-z0-9._+-]/_}"
[[ $print_key -eq 1 ]] && echo "$key" && exit 0
out="$cache/$key"

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

if [[ $force -eq 0 && -e "$out/done" ]]; then
  ln -sfn "$key" "$cache/current"
  echo "$out"
  exit 0
fi

start=$(date +%s)
work="$(mktemp -d "$cache/.build.XXXXXX")"
trap 'rm -rf "$work"' EXIT

log "downloading $kpkg $kver_pkg"
(cd "$work" && apt-get download -q -o APT::Sandbox::User=root "$kpkg=$kver_pkg" >&2) ||
  die "apt-get download $kpkg failed (network to the Debian mirror needed for a cold build)"
deb=("$work"/*.deb)
dpkg-deb -x "${deb[0]}" "$work/kernel"
rm -f "${deb[@]}"
kver="$(basename "$(ls -d "$work"/kernel/lib/modules/*/)")"
busybox depmod -b "$work/kernel" "$kver"

# The bzImage decompresses itself slowly under TCG; the embedded vmlinux is an ELF with a
# PVH entry that qemu -kernel boots directly.
vmlinuz="$work/kernel/boot/vmlinuz-$kver"
off="$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -1 | cut -d: -f1 || true)"
[[ -n "$off" ]] || die "no xz stream in $vmlinuz"
tail -c +$((off + 1)) "$vmlinuz" | xz -dc >"$work/vmlinux" 2>/dev/null || true
[[ "$(head -c 4 "$work/vmlinux" | od -An -c | tr -d ' ')" == '177ELF' ]] ||
  die "the xz stream in $vmlinuz is not an ELF kernel"

# Dependency closure of the wanted modules, from the full tree's modules.dep.
moddir="$work/kernel/lib/modules/$kver"
declare -A path_of=() deps_of=() want=()
while IFS= read -r line; do
  mod="${line%%:*}"
  name="$(basename "$mod" .ko)"
  name="${name//-/_}"
  path_of[$name]="$mod"
  deps_of[$name]="${line#*:}"
done <"$moddir/modules.dep"
queue=("${modules[@]}")
while ((${#queue[@]})); do
  name="${queue[0]//-/_}"
  queue=("${queue[@]:1}")
  [[ -n "${want[$name]:-}" ]] && continue
  [[ -n "${path_of[$name]:-}" ]] || die "module $name is not in $kpkg"
  want[$name]=1
  for d in ${deps_of[$name]}; do
    dn="$(basename "$d" .ko)"
    queue+=("${dn//-/_}")
  done
done

root="$work/initrd-root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,lower,upper,newroot}
cp "$(command -v busybox)" "$root/bin/busybox"
while IFS= read -r applet; do
  [[ "$(basename "$applet")" == busybox ]] && continue
  mkdir -p "$root/$(dirname "$applet")"
  ln -sf /bin/busybox "$root/$applet"
done < <(busybox --list-full)
ln -sf /bin/busybox "$root/sbin/modprobe"
for name in "${!want[@]}"; do
  mkdir -p "$root/lib/modules/$kver/$(dirname "${path_of[$name]}")"
  cp "$moddir/${path_of[$name]}" "$root/lib/modules/$kver/${path_of[$name]}"
done
cp "$moddir"/modules.{order,builtin} "$root/lib/modules/$kver/" 2>/dev/null || true
busybox depmod -b "$root" "$kver"
printf '%s\n' "${modules[@]}" >"$root/modules.list"
install -m 0755 "$here/guest-init.sh" "$root/init"
(cd "$root" && find . | LC_ALL=C sort | busybox cpio -o -H newc 2>/dev/null) | gzip -1 >"$work/initrd"

mkdir -p "$work/out"
mv "$work/vmlinux" "$work/initrd" "$work/out/"
echo "$kver" >"$work/out/kver"
printf '%s\n' "${!want[@]}" | sort >"$work/out/modules"
touch "$work/out/done"
rm -rf "$out"
mv "$work/out" "$out"
ln -sfn "$key" "$cache/current"
# Older builds are superseded: keep the cache to one guest.
for old in "$cache"/*/; do
  old="${old%/}"
  [[ "$(basename "$old")" == "$key" || -L "$old" ]] || rm -rf "$old"
done
log "built $key in $(($(date +%s) - start)) s ($(du -h "$out/initrd" | cut -f1) initrd, ${#want[@]} modules)"
echo "$out"
