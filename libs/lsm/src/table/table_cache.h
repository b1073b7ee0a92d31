// TableCache: the open TableReaders of a database, one per table, so each table's index and
// filter are fetched once and shared by every reader.
//
// This is the index/filter ("meta") pool of ARCHITECTURE §6's block cache: an LRU bounded by
// Options::meta_cache_bytes in which every reader is charged its meta_bytes() (pinned index +
// filter). An evicted reader stays alive while iterators or lookups hold it; the next find()
// opens it again.
//
// Concurrent find() calls for a table that is not open share one open (one GET): the first
// caller opens, the others wait for its result on their own executors.
//
// Hit/miss counters count find() calls; with a Registry they are
// lsm_cache_{hits,misses}_total{cache="table"}.
// Thread safety: all members may be called concurrently from any thread or coroutine.
// Lifetime: store, transformer and data cache must outlive the TableCache and its readers.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/async.h"
#include "base/metrics.h"
#include "base/result.h"
#include "cache/block_cache.h"
#include "cache/sharded_lru.h"
#include "table/sst_info.h"
#include "table/table_reader.h"

namespace lsm {

class TableCache {
 public:
  // `data_cache` (may be null) is handed to every reader for its data blocks.
  TableCache(zobj::ObjectStore& store, std::string object_prefix,
             const BlockTransformer& transformer, BlockCache* data_cache,
             std::uint64_t capacity_bytes, zerofs::metrics::Registry* registry = nullptr);
  ~TableCache();

  TableCache(const TableCache&) = delete;
  TableCache& operator=(const TableCache&) = delete;

  // The reader of `info.id`, opening it if needed. A failed open is not cached.
  // REQUIRES: `info` outlives the call (it is copied only if this call opens the table).
  zerofs::Task<zerofs::Result<std::shared_ptr<TableReader>>> find(const SstInfo& info);

  // The reader if it is open, else null; never does I/O (does not count hits or misses).
  std::shared_ptr<TableReader> lookup(const SstId& id) { return lru_.lookup(id); }

  // Forgets a table (e.g. deleted by compaction or GC).
  void evict(const SstId& id) { lru_.erase(id); }

  std::uint64_t hits() const noexcept { return counters_.hits(); }
  std::uint64_t misses() const noexcept { return counters_.misses(); }
  std::uint64_t usage() const { return lru_.usage(); }
  std::uint64_t capacity() const noexcept { return lru_.capacity(); }

 private:
  struct Flight;
  zerofs::Task<zerofs::Result<std::shared_ptr<TableReader>>> lead(std::shared_ptr<Flight> flight,
                                                                  SstInfo info);

  zobj::ObjectStore& store_;
  const std::string object_prefix_;
  const BlockTransformer& transformer_;
  BlockCache* const data_cache_;
  ShardedLru<SstId, std::shared_ptr<TableReader>, SstIdHash> lru_;
  CacheCounters counters_;

  std::mutex flights_mutex_;
  // Opens in progress; guarded by flights_mutex_. Lock order: flights_mutex_, then lru_.
  std::unordered_map<SstId, std::shared_ptr<Flight>, SstIdHash> flights_;
};

}  // namespace lsm
