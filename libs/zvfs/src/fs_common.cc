// FsCore: what every operation shares: the clock, inode loads, id allocation, commits and
// directory-entry bookkeeping, and the life cycle of an unlinked inode.
#include <chrono>

#include "fs_core.h"
#include "keys.h"

namespace zvfs {

namespace {
// Inode ids are reserved in blocks: the reservation record always lies above every id
// handed out, so an id is never reused even when a crash loses the latest creations.
constexpr std::uint64_t kInoReservationBlock = 1024;
}  // namespace

std::int64_t FsCore::now() const {
  if (config_.clock) return config_.clock();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<void> FsCore::check_writable() const {
  if (read_only_) return zerofs::fail(Errc::read_only, "the filesystem is read-only");
  return {};
}

Task<Result<Inode>> FsCore::load_locked(Ino ino) {
  if (auto cached = cache_.get(ino)) co_return std::move(*cached);
  ZF_CO_TRY(auto value, co_await db_->get(keys::inode_key(ino)));
  if (!value) co_return zerofs::fail(Errc::stale, "inode {} does not exist", ino);
  ZF_CO_TRY(auto inode, decode_inode(ino, *value));
  cache_.put(inode);
  co_return inode;
}

Task<Result<Inode>> FsCore::load_unlocked(Ino ino) {
  if (auto cached = cache_.get(ino)) co_return std::move(*cached);
  const std::uint64_t generation = cache_.generation();
  ZF_CO_TRY(auto value, co_await db_->get(keys::inode_key(ino)));
  if (!value) co_return zerofs::fail(Errc::stale, "inode {} does not exist", ino);
  ZF_CO_TRY(auto inode, decode_inode(ino, *value));
  cache_.insert_if_unchanged(inode, generation);
  co_return inode;
}

Task<Result<std::optional<DirentValue>>> FsCore::find_entry(Ino dir, std::string_view name) {
  const std::string key = keys::dirent_key(dir, name);
  ZF_CO_TRY(auto value, co_await db_->get(key));
  if (!value) co_return std::optional<DirentValue>();
  ZF_CO_TRY(auto entry, decode_dirent(*value));
  co_return std::optional<DirentValue>(entry);
}

Task<Result<Ino>> FsCore::allocate_ino() {
  co_await ino_mutex_.lock();
  AsyncMutexGuard guard(&ino_mutex_);
  if (next_ino_ >= ino_limit_) {
    // The new limit is in the database before any id below it is used: a later batch that
    // uses one cannot become durable without it (the WAL is a prefix).
    const std::uint64_t limit = next_ino_ + kInoReservationBlock;
    const std::string value = encode_u64_record(limit);
    ZF_CO_CHECK(co_await db_->put(keys::ino_reservation_key(), value));
    ino_limit_ = limit;
  }
  co_return next_ino_++;
}

Task<Result<void>> FsCore::commit(Mutation& m) {
  const bool counts = m.bytes_delta != 0 || m.inodes_delta != 0;
  std::optional<Usage::ShardGuard> shard;
  UsageRecord next;
  if (counts) {
    shard.emplace(co_await usage_.acquire());
    next = (*shard)->record;
    next.bytes += m.bytes_delta;
    next.inodes += m.inodes_delta;
    m.batch.put(keys::usage_key((*shard)->index), encode_usage(next));
  }
  if (!m.batch.empty()) {
    auto written = co_await db_->write(std::move(m.batch));
    if (!written) co_return std::unexpected(written.error());
  }
  if (counts) {
    usage_.committed(**shard, next, m.bytes_delta, m.inodes_delta, m.reserved());
  } else if (m.reserved() != 0) {
    usage_.cancel(m.reserved());
  }
  m.settle_reservation();
  shard.reset();
  for (const Inode& inode : m.cache_puts) cache_.put(inode);
  for (const Ino ino : m.cache_erases) cache_.erase(ino);
  if (m.wake_reaper) wake_reaper();
  co_return Result<void>{};
}

void FsCore::add_entry(Mutation& m, Inode& dir, std::string_view name, const Inode& child,
                       std::int64_t now_ns) {
  const std::uint64_t cookie = dir.next_cookie++;
  DirentValue entry;
  entry.type = child.type;
  entry.child = child.ino;
  entry.cookie = cookie;
  m.batch.put(keys::dirent_key(dir.ino, name), encode_dirent(entry));
  m.batch.put(keys::dirscan_key(dir.ino, cookie), encode_dirscan(child.type, child.ino, name));
  ++dir.entry_count;
  if (child.is_dir()) ++dir.nlink;
  dir.mtime_ns = dir.ctime_ns = now_ns;
}

void FsCore::remove_entry(Mutation& m, Inode& dir, std::string_view name, const DirentValue& entry,
                          std::int64_t now_ns) {
  m.batch.del(keys::dirent_key(dir.ino, name));
  m.batch.del(keys::dirscan_key(dir.ino, entry.cookie));
  --dir.entry_count;
  if (entry.type == FileType::directory) --dir.nlink;
  dir.mtime_ns = dir.ctime_ns = now_ns;
}

bool FsCore::is_open(Ino ino) const {
  std::lock_guard lock(open_mutex_);
  return open_counts_.contains(ino);
}

Task<Result<void>> FsCore::unlinked(Mutation& m, Inode& victim) {
  if (victim.nlink > 0) {
    m.put_inode(victim);
    co_return Result<void>{};
  }
  if (is_open(victim.ino)) {
    // Open somewhere: the data stays until the last release(); a restart reclaims it.
    m.put_inode(victim);
    m.batch.put(keys::orphan_key(victim.ino), encode_marker());
    co_return Result<void>{};
  }
  co_return co_await purge(m, victim, false);
}

Task<Result<void>> FsCore::purge(Mutation& m, const Inode& victim, bool orphaned) {
  const Ino ino = victim.ino;
  m.delete_inode(ino);
  if (orphaned) m.batch.del(keys::orphan_key(ino));
  if (victim.xattr_count > 0) {
    auto it = db_->new_iterator({}, keys::id_prefix(keys::Prefix::xattr, ino).str(),
                                keys::id_prefix(keys::Prefix::xattr, ino + 1).str());
    ZF_CO_CHECK(co_await it->seek_to_first());
    while (it->valid()) {
      m.batch.del(it->key());
      ZF_CO_CHECK(co_await it->next());
    }
  }
  if (victim.is_regular() && victim.size > 0) {
    const std::uint64_t chunks = (victim.size + kChunkSize - 1) / kChunkSize;
    if (chunks <= config_.inline_delete_chunks) {
      for (std::uint64_t i = 0; i < chunks; ++i) m.batch.del(keys::chunk_key(ino, i));
    } else {
      TombstoneRecord t;
      t.end = chunks;
      m.batch.put(keys::tombstone_key(ino), encode_tombstone(t));
      m.wake_reaper = true;
    }
  }
  if (victim.is_regular() || victim.type == FileType::symlink) {
    m.bytes_delta -= static_cast<std::int64_t>(victim.size);
  }
  m.inodes_delta -= 1;
  co_return Result<void>{};
}

}  // namespace zvfs
