// ShardedLru: a thread-safe LRU map from keys to shared values, bounded by a byte charge.
//
// The key space is split over kShards shards, each an LRU list guarded by its own mutex, so
// concurrent readers rarely contend. Every entry carries a charge (its bytes); a shard evicts
// least-recently-used entries while its usage exceeds capacity / kShards. Values are shared
// (std::shared_ptr): an evicted value stays alive for whoever still holds it.
//
// Thread safety: all members may be called concurrently. No lock is held while a value is
// destroyed, and none is ever held across a co_await (no member suspends).
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace lsm {

template <typename Key, typename Value, typename Hash>
class ShardedLru {
 public:
  static constexpr std::size_t kShards = 16;

  explicit ShardedLru(std::uint64_t capacity_bytes)
      : capacity_(capacity_bytes), shard_capacity_((capacity_bytes + kShards - 1) / kShards) {}

  ShardedLru(const ShardedLru&) = delete;
  ShardedLru& operator=(const ShardedLru&) = delete;

  // A copy of the value (empty Value{} when absent); a hit makes the entry most recent.
  Value lookup(const Key& key) {
    Shard& s = shard_for(key);
    std::lock_guard lock(s.mutex);
    auto it = s.map.find(key);
    if (it == s.map.end()) return Value{};
    s.lru.splice(s.lru.end(), s.lru, it->second);
    return it->second->value;
  }

  // Inserts or replaces. An entry larger than a shard's capacity is not kept.
  void insert(const Key& key, Value value, std::size_t charge) {
    std::vector<Value> dropped;  // destroyed after the lock is released
    Shard& s = shard_for(key);
    {
      std::lock_guard lock(s.mutex);
      auto it = s.map.find(key);
      if (it != s.map.end()) {
        s.usage -= it->second->charge;
        dropped.push_back(std::move(it->second->value));
        s.lru.erase(it->second);
        s.map.erase(it);
      }
      if (charge <= shard_capacity_) {
        s.lru.push_back(Entry{key, std::move(value), charge});
        s.map.emplace(key, std::prev(s.lru.end()));
        s.usage += charge;
        while (s.usage > shard_capacity_) {
          Entry& victim = s.lru.front();
          s.usage -= victim.charge;
          dropped.push_back(std::move(victim.value));
          s.map.erase(victim.key);
          s.lru.pop_front();
        }
      }
    }
  }

  void erase(const Key& key) {
    Value dropped;
    Shard& s = shard_for(key);
    std::lock_guard lock(s.mutex);
    auto it = s.map.find(key);
    if (it == s.map.end()) return;
    s.usage -= it->second->charge;
    dropped = std::move(it->second->value);
    s.lru.erase(it->second);
    s.map.erase(it);
  }

  std::uint64_t usage() const {
    std::uint64_t total = 0;
    for (const Shard& s : shards_) {
      std::lock_guard lock(s.mutex);
      total += s.usage;
    }
    return total;
  }
  std::uint64_t capacity() const noexcept { return capacity_; }

  // The shard `key` lives in (tests use it to build eviction scenarios).
  static std::size_t shard_of(const Key& key) noexcept {
    // Fibonacci hashing spreads weak hashes over the shards with the top bits.
    const std::uint64_t h = static_cast<std::uint64_t>(Hash{}(key)) * 0x9E3779B97F4A7C15ULL;
    return static_cast<std::size_t>(h >> 60);
  }

 private:
  static_assert(kShards == 16, "shard_of() takes the top 4 bits");

  struct Entry {
    Key key;
    Value value;
    std::size_t charge;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::list<Entry> lru;  // guarded by mutex; least recent first
    std::unordered_map<Key, typename std::list<Entry>::iterator, Hash> map;  // guarded by mutex
    std::uint64_t usage = 0;                                                 // guarded by mutex
  };

  Shard& shard_for(const Key& key) { return shards_[shard_of(key)]; }

  const std::uint64_t capacity_;
  const std::uint64_t shard_capacity_;
  Shard shards_[kShards];
};

}  // namespace lsm
