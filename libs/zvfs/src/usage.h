// Usage: the filesystem's byte and inode counters, and the quota.
//
// The totals live in memory (exact, for statfs and the quota check); their persistent form
// is kUsageShards records, each changed only under its own AsyncMutex and written in the
// same batch as the change it accounts for. Concurrent operations take different shards, so
// no single key is hot, and the sum over shards always equals what the batches did.
//
// Quota: reserve() admits growth only while bytes + reserved growth stays within the limit;
// an operation reserves before it builds its batch and settles (commit or cancel) after.
// Shrinking never needs a reservation, so deletes and truncates always work.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>

#include "async_mutex.h"
#include "keys.h"
#include "records.h"

namespace zvfs {

class Usage {
 public:
  struct Shard {
    std::size_t index = 0;
    AsyncMutex mutex;
    UsageRecord record;  // guarded by mutex
  };

  // A shard held for one commit; releases it on destruction.
  class ShardGuard {
   public:
    ShardGuard() = default;
    explicit ShardGuard(Shard* s) : shard_(s) {}
    ShardGuard(ShardGuard&& o) noexcept : shard_(std::exchange(o.shard_, nullptr)) {}
    ShardGuard& operator=(ShardGuard&&) = delete;
    ~ShardGuard() {
      if (shard_) shard_->mutex.unlock();
    }
    Shard* operator->() const noexcept { return shard_; }
    Shard& operator*() const noexcept { return *shard_; }

   private:
    Shard* shard_ = nullptr;
  };

  explicit Usage(std::uint64_t max_bytes);

  // Loads shard `i` (at open, before any operation).
  void load_shard(std::size_t i, const UsageRecord& record);

  // Takes a free shard if one is, otherwise waits for one.
  zerofs::Task<ShardGuard> acquire();

  // Admits `growth` more bytes, or returns false (no_space).
  bool reserve(std::uint64_t growth);
  // Returns a reservation that was not used (the operation failed).
  void cancel(std::uint64_t growth);
  // After a batch holding `shard`'s new record was written: applies the deltas to the totals
  // and turns `reserved` bytes of reservation into usage.
  void committed(Shard& shard, const UsageRecord& next, std::int64_t bytes_delta,
                 std::int64_t inodes_delta, std::uint64_t reserved);

  std::uint64_t bytes() const;
  std::uint64_t inodes() const;
  std::uint64_t max_bytes() const noexcept { return max_bytes_; }

 private:
  const std::uint64_t max_bytes_;
  std::array<Shard, keys::kUsageShards> shards_;
  std::atomic<std::size_t> next_shard_{0};

  mutable std::mutex mutex_;
  std::int64_t bytes_ = 0;      // guarded by mutex_
  std::int64_t inodes_ = 0;     // guarded by mutex_
  std::uint64_t reserved_ = 0;  // guarded by mutex_: admitted growth not yet committed
};

}  // namespace zvfs
