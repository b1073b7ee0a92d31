// BlockCache: decoded data blocks shared by every reader of a database, keyed by
// (table id, block offset) and bounded by bytes (Options::block_cache_bytes).
//
// Index and filter blocks are not kept here: each open TableReader pins its own, and the
// TableCache bounds those readers by Options::meta_cache_bytes, so the two pools never evict
// each other.
//
// Hit/miss counters are always kept; with a metrics Registry they are the registry's
// lsm_cache_{hits,misses}_total{cache="<name>"} counters, so /metrics exposes them.
// Thread safety: all members may be called concurrently (a mutex per shard).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "base/metrics.h"
#include "cache/sharded_lru.h"
#include "format/block.h"
#include "table/sst_info.h"

namespace lsm {

struct BlockCacheKey {
  SstId table;
  std::uint64_t offset = 0;
  friend bool operator==(const BlockCacheKey&, const BlockCacheKey&) = default;
};

struct BlockCacheKeyHash {
  std::size_t operator()(const BlockCacheKey& k) const noexcept {
    return SstIdHash{}(k.table) ^ (k.offset * 0xC2B2AE3D27D4EB4FULL);
  }
};

// Hit and miss counters, owned or borrowed from a metrics Registry.
class CacheCounters {
 public:
  // With a registry, the counters are lsm_cache_{hits,misses}_total{cache="<name>"}.
  CacheCounters(std::string_view name, zerofs::metrics::Registry* registry);

  void hit() noexcept { hits_->add(); }
  void miss() noexcept { misses_->add(); }
  std::uint64_t hits() const noexcept { return hits_->value(); }
  std::uint64_t misses() const noexcept { return misses_->value(); }

 private:
  zerofs::metrics::Counter own_hits_;
  zerofs::metrics::Counter own_misses_;
  zerofs::metrics::Counter* hits_ = &own_hits_;
  zerofs::metrics::Counter* misses_ = &own_misses_;
};

class BlockCache {
 public:
  explicit BlockCache(std::uint64_t capacity_bytes, std::string_view name = "data",
                      zerofs::metrics::Registry* registry = nullptr)
      : lru_(capacity_bytes), counters_(name, registry) {}

  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;

  // The cached block, or null; counts a hit or a miss.
  std::shared_ptr<const Block> lookup(const SstId& table, std::uint64_t offset) {
    auto block = lru_.lookup(BlockCacheKey{table, offset});
    if (block) {
      counters_.hit();
    } else {
      counters_.miss();
    }
    return block;
  }

  // The cached block, or null, without counting a hit or a miss: for compaction, which reads
  // every block of its inputs and uses a cached one only to skip decoding it.
  std::shared_ptr<const Block> peek(const SstId& table, std::uint64_t offset) {
    return lru_.lookup(BlockCacheKey{table, offset});
  }

  void insert(const SstId& table, std::uint64_t offset, std::shared_ptr<const Block> block) {
    const std::size_t charge = block->charge();
    lru_.insert(BlockCacheKey{table, offset}, std::move(block), charge);
  }

  std::uint64_t hits() const noexcept { return counters_.hits(); }
  std::uint64_t misses() const noexcept { return counters_.misses(); }
  std::uint64_t usage() const { return lru_.usage(); }
  std::uint64_t capacity() const noexcept { return lru_.capacity(); }

 private:
  ShardedLru<BlockCacheKey, std::shared_ptr<const Block>, BlockCacheKeyHash> lru_;
  CacheCounters counters_;
};

}  // namespace lsm
