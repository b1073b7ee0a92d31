#!/usr/bin/env bash
# Runs nfs_bench (libnfs client) against zerofs (file:// store) and against nfs-ganesha (VFS
# FSAL) with both on the same local disk, in one run, and prints both figures and the ratio
# zerofs / ganesha (above 1.0: zerofs is faster).
#   bench/nfs_bench.sh [BUILD_DIR] [nfs_bench options, e.g. --quick]
#   NFS_BENCH_ZEROFS_MEMORY_GB=N   zerofs's [cache] memory_size_gb (default 2)
#   NFS_BENCH_RUNS=N               rounds (default 1); the summary is the median ratio
# Needs root: everything runs in a private network namespace (loopback only) and mount
# namespace (ganesha needs rpcbind, which gets a private /run). Needs nfs-ganesha,
# nfs-ganesha-vfs and rpcbind (apt-get install nfs-ganesha nfs-ganesha-vfs rpcbind).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build/release}"
shift || true
bench="$build/bench/nfs_bench"
zerofs="$build/apps/zerofs/zerofs"
for b in "$bench" "$zerofs"; do
  [[ -x "$b" ]] || { echo "build $(basename "$b") first ($b)" >&2; exit 1; }
done
for tool in ganesha.nfsd rpcbind unshare ip; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 1; }
done
compgen -G "/usr/lib/*/ganesha/libfsalvfs.so" >/dev/null ||
  { echo "nfs-ganesha-vfs is not installed" >&2; exit 1; }

if [[ "${ZEROFS_NFS_BENCH_INNER:-}" != 1 ]]; then
  work="$(mktemp -d "${TMPDIR:-/var/tmp}/nfs_bench.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  ZEROFS_NFS_BENCH_INNER=1 WORK="$work" unshare --net --mount --fork -- "$0" "$build" "$@"
  exit $?
fi

# --- inside the namespaces
ip link set lo up
mount -t tmpfs -o mode=0755 run /run
mkdir -p /run/ganesha "$WORK/export" "$WORK/recovery"
rpcbind -w
"$here/../tests/support/ganesha_conf.sh" "$WORK/export" "$WORK/recovery" >"$WORK/ganesha.conf"
# ganesha serves from the kernel's page cache, which may take most of this machine's memory;
# zerofs gets a block cache of NFS_BENCH_ZEROFS_MEMORY_GB (default 2) for its decrypted blocks.
# 0.25 is zerofs's (and ZeroFS's) default.
cat >"$WORK/zerofs.toml" <<EOF
[cache]
dir = "$WORK/cache"
memory_size_gb = ${NFS_BENCH_ZEROFS_MEMORY_GB:-2}

[storage]
url = "file://$WORK/store"
encryption_password = "\${ZEROFS_PASSWORD}"

[servers.nfs]
addresses = ["127.0.0.1:3049"]
EOF

pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; wait 2>/dev/null' EXIT
wait_port() {
  for _ in $(seq 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on $1: $(tail -5 "$2")" >&2
  exit 1
}

ganesha.nfsd -F -L "$WORK/ganesha.log" -N NIV_WARN -f "$WORK/ganesha.conf" \
  -p /run/ganesha/ganesha.pid &
pids="$pids $!"
ZEROFS_PASSWORD=nfs-bench-password "$zerofs" run -c "$WORK/zerofs.toml" >"$WORK/zerofs.log" 2>&1 &
pids="$pids $!"
wait_port 2049 "$WORK/ganesha.log"
wait_port 3049 "$WORK/zerofs.log"

# Each round runs ganesha, then zerofs; with several rounds the summary is the median ratio
# (timings on a small shared machine swing by 2x from run to run, for both servers).
runs="${NFS_BENCH_RUNS:-1}"
for ((r = 1; r <= runs; ++r)); do
  [[ $runs -gt 1 ]] && echo "== round $r of $runs"
  "$bench" --name ganesha --url "nfs://127.0.0.1$WORK/export?version=3&nfsport=2049&mountport=20048" \
    "$@" | tee "$WORK/ganesha.$r.out"
  "$bench" --name zerofs --url "nfs://127.0.0.1/?version=3&nfsport=3049&mountport=3049" \
    "$@" | tee "$WORK/zerofs.$r.out"
done

echo "== ratio (zerofs / ganesha; goal >= 1.0)$([[ $runs -gt 1 ]] && echo "; median of $runs rounds, each round's ratio in brackets")"
for ((r = 1; r <= runs; ++r)); do cat "$WORK/ganesha.$r.out" "$WORK/zerofs.$r.out"; done | awk -v runs="$runs" '
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; ++i) for (j = i; j > 1 && a[j - 1] > a[j]; --j) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { split($1, k, ".");
    if (k[1] == "ganesha" && !(k[2] in seen)) { seen[k[2]] = 1; order[++n] = k[2] }
    if (k[1] == "ganesha") round[k[2]]++
    v[k[1], k[2], round[k[2]]] = $3; u[k[2]] = $4 }
  END { for (i = 1; i <= n; ++i) { w = order[i]; list = ""
          for (r = 1; r <= runs; ++r) {
            g[r] = v["ganesha", w, r]; z[r] = v["zerofs", w, r]; q[r] = z[r] / g[r]
            list = list sprintf(" %.2f", q[r]) }
          printf "%-14s : ganesha %10.1f  zerofs %10.1f %-8s ratio %5.2f", w, median(g, runs),
                 median(z, runs), u[w], median(q, runs)
          if (runs > 1) printf "  [%s ]", list
          printf "\n" } }
'
