// CachingStore: a local disk cache of object byte ranges in front of any ObjectStore
// (cache.dir, bounded by cache.disk_size_gb), kept across restarts.
//
// What is cached. Only GETs of keys that start with one of `cacheable_prefixes` (every key
// when the list is empty), in parts of `part_size` bytes (<= 1 MiB) aligned to multiples of
// it. The caller promises that objects under those prefixes are immutable while this process
// runs: written once (the LSM's sst/, wal/ and manifest/ objects are all create-if-absent at
// fresh names) and at most deleted. Keys that are rewritten in place (the key record, which
// change-password replaces with if_match) must stay outside them. Puts and deletes through
// this store invalidate the key's parts before and after the inner call, so a rewrite through
// this same handle is also safe; a rewrite by another process under a cacheable prefix is not.
// head() and list() are passed through.
//
// Reads. A GET is split into parts; parts on disk are read there (checksum verified), the
// missing ones are fetched with one ranged GET per contiguous run, aligned to part
// boundaries, and stored in the background; the reply holds exactly the requested bytes.
// Concurrent GETs that need the same missing part share one fetch. Every part file records
// the object's etag, and one reply never mixes parts of different etags: a fetch that shows
// the object changed drops its cached parts and the GET is answered by the inner store.
//
// Restarts. The index is rebuilt on open from the part files (each file names its key, part,
// etag and a checksum), so a restarted process serves from disk. Because a bucket can be
// wiped and recreated, an object known only from an earlier run is checked once per process
// with a HEAD (same etag and size) before its parts are served, unless `revalidate` is off.
//
// Bound and eviction. The part files' bytes (headers included) stay within
// `capacity_bytes`: inserting evicts the least recently used parts. Recency is kept in
// memory and, across restarts, approximated by file mtimes (refreshed on hits at most once a
// minute).
//
// Layout: <dir>/<16 hex of xxh3(namespace_id)>/{namespace, lock, tmp/, <xx>/<32 hex>}. The
// namespace (the inner store's description unless set) keeps stores that share one cache
// directory apart. One process at a time owns a namespace (flock on `lock`); open() fails
// with Errc::busy while another holds it.
//
// Failures of the cache itself (disk full, unreadable files) never fail a GET: the part is
// fetched from the inner store instead. Errors of the inner store are returned as they are.
//
// Metrics (registry; labels store="<metrics_name>"): zerofs_disk_cache_parts_total
// {result="hit|miss|joined"}, zerofs_disk_cache_bytes_total{source="disk|store"},
// zerofs_disk_cache_evictions_total, zerofs_disk_cache_corrupt_total,
// zerofs_disk_cache_used_bytes, zerofs_disk_cache_part_files.
//
// Thread safety: as ObjectStore. File I/O runs on a private thread pool, never on the
// caller's executor. Destruction waits for queued disk writes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/metrics.h"
#include "zobj/object_store.h"

namespace zobj {

struct CachingStoreOptions {
  std::filesystem::path dir;           // the cache directory (created if missing)
  std::uint64_t capacity_bytes = 0;    // bound on the part files' bytes; 0 disables caching
  std::uint32_t part_size = 1u << 20;  // 4 KiB .. 1 MiB
  std::vector<std::string> cacheable_prefixes;  // empty: every key
  std::string namespace_id;                     // empty: the inner store's describe()
  bool revalidate = true;                       // HEAD objects known from an earlier run once
  std::size_t io_threads = 2;                   // threads for the cache's file I/O (>= 1)
  std::size_t max_pending_writes = 64;          // parts queued for disk; beyond, not cached
  std::string metrics_name = "cache";
  zerofs::metrics::Registry* registry = nullptr;  // default: Registry::global()

  // Not an aggregate: GCC 12 mis-copies aggregates with strings into coroutines.
  CachingStoreOptions() {}
};

// Counts of this instance since it opened.
struct CacheStats {
  std::uint64_t hits = 0;    // parts read from disk
  std::uint64_t misses = 0;  // parts fetched from the inner store
  std::uint64_t joined = 0;  // parts taken from another GET's fetch in flight
  std::uint64_t bytes_from_disk = 0;
  std::uint64_t bytes_from_store = 0;  // fetched part bytes (whole parts, not just replies)
  std::uint64_t evictions = 0;
  std::uint64_t corrupt = 0;  // part files dropped as torn or corrupt
  std::uint64_t part_files = 0;
  std::uint64_t used_bytes = 0;
};

namespace cache {
class CacheEngine;
}

class CachingStore final : public ObjectStore {
 public:
  // Opens the cache (rebuilding its index from disk) over `inner`. invalid_argument for a
  // bad part size, zero capacity or an empty dir; busy when another process owns the
  // namespace; I/O errors as the zobj taxonomy.
  static Result<std::shared_ptr<CachingStore>> open(std::shared_ptr<ObjectStore> inner,
                                                    CachingStoreOptions options);
  ~CachingStore() override;

  Task<Result<GetResult>> get(std::string key, std::optional<ByteRange> range) override;
  Task<Result<ObjectMeta>> head(std::string key) override;
  Task<Result<ObjectMeta>> put(std::string key, ByteView data, PutOptions options) override;
  Task<Result<void>> del(std::string key) override;
  Task<Result<ListPage>> list(std::string prefix, std::string start_after,
                              std::size_t max_keys) override;
  std::string describe() const override;

  bool cacheable(std::string_view key) const noexcept;
  CacheStats stats() const;
  // The namespace directory holding this cache's files.
  const std::filesystem::path& directory() const noexcept;
  // Blocks until every part queued for disk is written (tests, benchmarks).
  void wait_for_writes();

  const std::shared_ptr<ObjectStore>& inner() const noexcept { return inner_; }

 private:
  CachingStore(std::shared_ptr<ObjectStore> inner, CachingStoreOptions options,
               std::unique_ptr<cache::CacheEngine> engine);

  // Constant after construction.
  const std::shared_ptr<ObjectStore> inner_;
  const CachingStoreOptions options_;
  const std::unique_ptr<cache::CacheEngine> engine_;
};

}  // namespace zobj
