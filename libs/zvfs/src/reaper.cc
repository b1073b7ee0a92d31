// The reaper: drains tombstones (the chunks of deleted large files) in the background,
// resumably: each batch deletes up to delete_batch_chunks chunk indexes and records the
// next index in the tombstone, so a restart continues where the last run stopped.
#include <boost/asio/detached.hpp>

#include "base/log.h"
#include "fs_core.h"
#include "keys.h"

namespace zvfs {

namespace {
Task<void> run_reaper(std::shared_ptr<FsCore> core, Task<void> (FsCore::*loop)()) {
  co_await ((*core).*loop)();
}
}  // namespace

void FsCore::wake_reaper() {
  if (read_only_ || stopping_.load()) return;
  if (reaper_scheduled_.exchange(true)) return;
  zerofs::asio::co_spawn(executor_, run_reaper(shared_from_this(), &FsCore::reaper_loop),
                         zerofs::asio::detached);
}

Task<void> FsCore::reaper_loop() {
  co_await reaper_lock_.lock();
  AsyncMutexGuard guard(&reaper_lock_);
  // Wakes from now on schedule another pass, which waits for this one.
  reaper_scheduled_.store(false);
  auto drained = co_await drain_all();
  if (!drained && !stopping_.load()) {
    zerofs::log::warn("draining tombstones failed (retried at the next wake or restart): {}",
                      drained.error().to_string());
  }
}

Task<Result<void>> FsCore::drain_tombstones() {
  co_await reaper_lock_.lock();
  AsyncMutexGuard guard(&reaper_lock_);
  co_return co_await drain_all();
}

Task<Result<void>> FsCore::drain_all() {
  while (!stopping_.load()) {
    std::vector<std::pair<Ino, TombstoneRecord>> pending;
    {
      auto it = db_->new_iterator({}, keys::prefix_start(keys::Prefix::tombstone).str(),
                                  keys::prefix_end(keys::Prefix::tombstone).str());
      ZF_CO_CHECK(co_await it->seek_to_first());
      while (it->valid() && pending.size() < 64) {
        const auto ino = keys::parse_id_key(keys::Prefix::tombstone, it->key());
        if (!ino) co_return zerofs::fail(Errc::corrupt, "bad tombstone key");
        ZF_CO_TRY(auto record, decode_tombstone(it->value()));
        pending.emplace_back(*ino, record);
        ZF_CO_CHECK(co_await it->next());
      }
    }
    if (pending.empty()) break;
    for (const auto& [ino, record] : pending) {
      if (stopping_.load()) break;
      ZF_CO_CHECK(co_await drain_tombstone(ino, record.next, record.end));
    }
  }
  co_return Result<void>{};
}

Task<Result<void>> FsCore::drain_tombstone(Ino ino, std::uint64_t next, std::uint64_t end) {
  // The inode is gone, so nothing but this pass touches its chunks.
  const std::uint64_t batch = config_.delete_batch_chunks;
  lsm::ReadOptions options;
  options.fill_cache = false;
  auto it = db_->new_iterator(options, keys::chunk_key(ino, 0).str(),
                              keys::id_prefix(keys::Prefix::chunk, ino + 1).str());
  while (!stopping_.load()) {
    ZF_CO_CHECK(co_await it->seek(keys::chunk_key(ino, next)));
    Mutation m;
    if (!it->valid()) {
      m.batch.del(keys::tombstone_key(ino));
      co_return co_await commit(m);
    }
    const auto key = keys::parse_chunk_key(it->key());
    if (!key) co_return zerofs::fail(Errc::corrupt, "bad chunk key of inode {}", ino);
    // Chunks never lie past the size the file had, but stay safe if one did.
    const std::uint64_t from = key->index;
    const std::uint64_t to = from < end ? std::min(end, from + batch) : from + 1;
    for (std::uint64_t i = from; i < to; ++i) m.batch.del(keys::chunk_key(ino, i));
    TombstoneRecord progress;
    progress.next = to;
    progress.end = end;
    m.batch.put(keys::tombstone_key(ino), encode_tombstone(progress));
    ZF_CO_CHECK(co_await commit(m));
    next = to;
  }
  co_return Result<void>{};
}

}  // namespace zvfs
