#!/usr/bin/env bash
# Runs liblsm's lsm_bench and RocksDB's db_bench (Debian rocksdb-tools) on the same workloads
# with the same flags in one run, both on local disk, and prints both figures and the ratio
# (ours / RocksDB's micros/op: below 1.0 means we are faster).
#   bench/lsm_vs_rocksdb.sh [BUILD_DIR] [--num=N] [extra flags for both]
# Our side uses a file:// store with lz4 and no encryption (RocksDB has none); a second run
# of ours with encryption on is printed for reference.
set -euo pipefail
build="${1:-build/release}"
shift || true
num=1000000
extra=()
for a in "$@"; do
  case "$a" in
    --num=*) num="${a#--num=}" ;;
    *) extra+=("$a") ;;
  esac
done
benchmarks="fillseq,fillrandom,overwrite,readrandom,readseq,seekrandom"
common=(--benchmarks="$benchmarks" --num="$num" --key_size=16 --value_size=100
        --compression_type=lz4 --cache_size=268435456 "${extra[@]}")
work="$(mktemp -d /tmp/lsm-vs-rocksdb.XXXXXX)"
trap 'rm -rf "$work"' EXIT

command -v db_bench >/dev/null || { echo "db_bench missing: apt-get install rocksdb-tools" >&2; exit 1; }
[[ -x "$build/bench/lsm_bench" ]] || { echo "build $build/bench/lsm_bench first" >&2; exit 1; }

echo "== RocksDB $(dpkg-query -W -f='${Version}' rocksdb-tools) db_bench"
db_bench "${common[@]}" --db="$work/rocksdb" --threads=1 2>&1 | tee "$work/rocksdb.txt" | grep -E 'micros/op'
echo "== liblsm lsm_bench (lz4, no encryption)"
"$build/bench/lsm_bench" "${common[@]}" --db="$work/lsm" --encrypt=0 | tee "$work/lsm.txt" | grep -E 'micros/op|peak_rss|^lsm '
echo "== liblsm lsm_bench (lz4 + XChaCha20-Poly1305)"
"$build/bench/lsm_bench" "${common[@]}" --db="$work/lsm-enc" --encrypt=1 | tee "$work/lsm-enc.txt" | grep -E 'micros/op|peak_rss'

echo "== ratio (lsm / rocksdb micros/op; goal: fillseq<=1.0 fillrandom<=1.0 readrandom<=1.2 readseq<=1.5)"
for b in ${benchmarks//,/ }; do
  r=$(awk -v b="$b" '$1==b && $2==":" {print $3; exit}' "$work/rocksdb.txt")
  l=$(awk -v b="$b" '$1==b && $2==":" {print $3; exit}' "$work/lsm.txt")
  e=$(awk -v b="$b" '$1==b && $2==":" {print $3; exit}' "$work/lsm-enc.txt")
  if [[ -n "$r" && -n "$l" ]]; then
    printf '%-12s : rocksdb %9.3f  lsm %9.3f  ratio %5.2f   (encrypted %9.3f ratio %5.2f)\n' \
      "$b" "$r" "$l" "$(awk -v a="$l" -v b="$r" 'BEGIN{print a/b}')" "${e:-0}" \
      "$(awk -v a="${e:-0}" -v b="$r" 'BEGIN{print a/b}')"
  fi
done
