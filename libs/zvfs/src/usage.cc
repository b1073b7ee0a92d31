#include "usage.h"

namespace zvfs {

Usage::Usage(std::uint64_t max_bytes) : max_bytes_(max_bytes) {
  for (std::size_t i = 0; i < shards_.size(); ++i) shards_[i].index = i;
}

void Usage::load_shard(std::size_t i, const UsageRecord& record) {
  shards_[i].record = record;
  std::lock_guard lock(mutex_);
  bytes_ += record.bytes;
  inodes_ += record.inodes;
}

zerofs::Task<Usage::ShardGuard> Usage::acquire() {
  const std::size_t start = next_shard_.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    Shard& s = shards_[(start + i) % shards_.size()];
    if (s.mutex.try_lock()) co_return ShardGuard(&s);
  }
  Shard& s = shards_[start % shards_.size()];
  co_await s.mutex.lock();
  co_return ShardGuard(&s);
}

bool Usage::reserve(std::uint64_t growth) {
  if (growth == 0) return true;
  std::lock_guard lock(mutex_);
  const auto used = static_cast<std::uint64_t>(bytes_ < 0 ? 0 : bytes_) + reserved_;
  if (used > max_bytes_ || growth > max_bytes_ - used) return false;
  reserved_ += growth;
  return true;
}

void Usage::cancel(std::uint64_t growth) {
  std::lock_guard lock(mutex_);
  reserved_ -= growth;
}

void Usage::committed(Shard& shard, const UsageRecord& next, std::int64_t bytes_delta,
                      std::int64_t inodes_delta, std::uint64_t reserved) {
  shard.record = next;
  std::lock_guard lock(mutex_);
  bytes_ += bytes_delta;
  inodes_ += inodes_delta;
  reserved_ -= reserved;
}

std::uint64_t Usage::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_ < 0 ? 0 : static_cast<std::uint64_t>(bytes_);
}

std::uint64_t Usage::inodes() const {
  std::lock_guard lock(mutex_);
  return inodes_ < 0 ? 0 : static_cast<std::uint64_t>(inodes_);
}

}  // namespace zvfs
