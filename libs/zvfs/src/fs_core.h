// FsCore: the implementation behind zvfs::Filesystem.
//
// Files: fs_open.cc (open, bootstrap, close), fs_common.cc (commit, inode loads, id
// allocation, entries), op_attr.cc, op_create.cc, op_remove.cc, op_rename.cc, op_readdir.cc,
// op_open.cc, op_xattr.cc, data_read.cc, data_write.cc, data_trim.cc, reaper.cc.
//
// Concurrency: operations run on any thread of the caller's io_context. Inode state changes
// only under that inode's AsyncMutex (locks_), taken in inode order; readers that take no
// lock (getattr, lookup, read) see whole batches only. std::mutexes here guard small maps and
// counters and are never held across co_await.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "async_mutex.h"
#include "inode_cache.h"
#include "inode_locks.h"
#include "lsm/db.h"
#include "mutation.h"
#include "records.h"
#include "usage.h"
#include "zobj/object_store.h"
#include "zvfs/config.h"
#include "zvfs/types.h"

namespace zvfs {

using zerofs::Errc;
using zerofs::Result;
using zerofs::Task;

class FsCore : public std::enable_shared_from_this<FsCore> {
 public:
  // `config` arrives boxed (GCC 12 and aggregates in coroutines, base/async.h).
  static Task<Result<std::shared_ptr<FsCore>>> open(std::unique_ptr<FilesystemConfig> config);
  FsCore(FilesystemConfig config, zerofs::asio::any_io_executor executor);
  ~FsCore();

  Task<Result<void>> close();
  // Stops background work without making anything durable (the handle died).
  void abandon();

  Task<Result<Attr>> lookup(const Credentials& cred, Ino parent, std::string_view name);
  Task<Result<Attr>> getattr(Ino ino);
  Task<Result<Attr>> setattr(const Credentials& cred, Ino ino, SetAttr changes);
  Task<Result<void>> access(const Credentials& cred, Ino ino, std::uint32_t mask);

  Task<Result<CreateResult>> create(const Credentials& cred, Ino parent, std::string_view name,
                                    std::uint32_t mode, bool exclusive);
  Task<Result<Attr>> make_node(const Credentials& cred, Ino parent, std::string_view name,
                               FileType type, std::uint32_t mode, std::uint64_t rdev,
                               std::string_view target);
  Task<Result<std::string>> readlink(Ino ino);
  Task<Result<Attr>> link(const Credentials& cred, Ino ino, Ino new_parent,
                          std::string_view new_name);
  Task<Result<void>> remove(const Credentials& cred, Ino parent, std::string_view name,
                            bool directory);
  Task<Result<void>> rename(const Credentials& cred, Ino old_parent, std::string_view old_name,
                            Ino new_parent, std::string_view new_name, unsigned flags);
  Task<Result<DirPage>> readdir(const Credentials& cred, Ino dir, std::uint64_t cookie,
                                std::size_t max_entries, bool plus);

  Task<Result<Attr>> open_file(const Credentials& cred, Ino ino, int flags);
  Task<Result<void>> release(Ino ino);

  Task<Result<ReadResult>> read(const Credentials& cred, Ino ino, std::uint64_t offset,
                                std::uint64_t length);
  Task<Result<Attr>> write(const Credentials& cred, Ino ino, std::uint64_t offset,
                           zerofs::ByteView data);
  Task<Result<Attr>> zero_range(const Credentials& cred, Ino ino, std::uint64_t offset,
                                std::uint64_t length, bool keep_size);
  Task<Result<void>> sync();
  StatFs statfs() const;

  Task<Result<std::string>> getxattr(const Credentials& cred, Ino ino, std::string_view name,
                                     std::size_t max_size);
  Task<Result<void>> setxattr(const Credentials& cred, Ino ino, std::string_view name,
                              zerofs::ByteView value, int flags);
  Task<Result<std::vector<std::string>>> listxattr(const Credentials& cred, Ino ino,
                                                   std::size_t max_size);
  Task<Result<void>> removexattr(const Credentials& cred, Ino ino, std::string_view name);

  Task<Result<void>> change_password(std::string old_password, std::string new_password);
  Task<Result<void>> drain_tombstones();
  bool read_only() const noexcept { return read_only_; }
  lsm::Db& db() noexcept { return *db_; }

  // --- shared by the operation files (fs_common.cc)
  std::int64_t now() const;
  Result<void> check_writable() const;
  // The inode, from the cache or the database; stale when it does not exist. Call with the
  // inode locked (fills the cache unconditionally).
  Task<Result<Inode>> load_locked(Ino ino);
  // The same without the lock (fills the cache only if no writer intervened).
  Task<Result<Inode>> load_unlocked(Ino ino);
  Task<Result<std::optional<DirentValue>>> find_entry(Ino dir, std::string_view name);
  Task<Result<Ino>> allocate_ino();
  // Writes the batch (with the usage shard when counters change), then updates the cache.
  Task<Result<void>> commit(Mutation& m);

  // Adds `name` -> `child` to `dir` (dirent, dirscan, the directory's counters and times).
  // The caller puts `dir` into the mutation afterwards.
  void add_entry(Mutation& m, Inode& dir, std::string_view name, const Inode& child,
                 std::int64_t now_ns);
  void remove_entry(Mutation& m, Inode& dir, std::string_view name, const DirentValue& entry,
                    std::int64_t now_ns);
  // One link of `victim` is gone (its nlink is already lowered): keep it, make it an orphan
  // while open, or delete it with its data.
  Task<Result<void>> unlinked(Mutation& m, Inode& victim);
  // Deletes the inode, its xattrs and its data (inline or via a tombstone).
  Task<Result<void>> purge(Mutation& m, const Inode& victim, bool orphaned);
  bool is_open(Ino ino) const;

  // data_trim.cc. Shrinks `stored` (as stored now) to final_inode.size: chunks past the new
  // end go, from the end down, in batches that each lower the stored size (every batch is a
  // consistent file); the last batch zeroes the new last chunk's tail and carries
  // `final_mutation` with final_inode. REQUIRES: the inode locked, final.size < stored.size.
  Task<Result<void>> shrink(const Inode& stored, const Inode& final_inode,
                            Mutation& final_mutation);
  // Zeroes bytes [begin, end) of one chunk (read-modify-write; nothing when not stored).
  Task<Result<void>> zero_in_chunk(Mutation& m, Ino ino, std::uint64_t chunk_index,
                                   std::uint64_t begin, std::uint64_t end);
  // Deletes every chunk of `ino` in [lo, hi), in batches of delete_batch_chunks; the last
  // batch is `final_mutation`, which the caller commits. Stored chunks are found with a
  // probing iterator, so holes cost no deletes.
  Task<Result<void>> delete_chunk_range(Ino ino, std::uint64_t lo, std::uint64_t hi,
                                        Mutation& final_mutation);

  // reaper.cc
  void wake_reaper();

  const FilesystemConfig& config() const noexcept { return config_; }
  InodeLocks& locks() noexcept { return locks_; }
  Usage& usage() noexcept { return usage_; }

 private:
  Task<Result<void>> open_key_and_db();
  Task<Result<void>> bootstrap();
  Task<Result<void>> load_counters();
  Task<Result<void>> ensure_nbd_dir();
  Task<Result<void>> reclaim_orphans();
  Task<Result<Inode>> setattr_locked(const Credentials& cred, Inode inode, const SetAttr& sa);
  Task<Result<void>> rename_exchange(const Credentials& cred, Ino old_parent,
                                     std::string_view old_name, Ino new_parent,
                                     std::string_view new_name);
  Task<Result<std::optional<Ino>>> rename_loop_check(Ino moving_dir, Ino new_parent);
  Task<void> reaper_loop();
  // Drains every tombstone (until stopping_); holds reaper_lock_.
  Task<Result<void>> drain_all();
  Task<Result<void>> drain_tombstone(Ino ino, std::uint64_t next, std::uint64_t end);

  // --- constant after open
  FilesystemConfig config_;
  const zerofs::asio::any_io_executor executor_;
  std::shared_ptr<zobj::ObjectStore> store_;
  std::unique_ptr<lsm::Db> db_;
  bool read_only_ = false;

  InodeCache cache_;
  InodeLocks locks_;
  Usage usage_;
  AsyncMutex rename_mutex_;  // cross-directory directory renames (loop checks)

  AsyncMutex ino_mutex_;
  Ino next_ino_ = 0;   // guarded by ino_mutex_
  Ino ino_limit_ = 0;  // guarded by ino_mutex_: persisted; ids below it may be in use

  mutable std::mutex open_mutex_;
  std::unordered_map<Ino, std::uint32_t> open_counts_;  // guarded by open_mutex_

  // Reaper: drain passes run one at a time under reaper_lock_; a wake while a pass runs
  // schedules another pass, so no tombstone waits for the next restart.
  AsyncMutex reaper_lock_;
  std::atomic<bool> reaper_scheduled_{false};
  std::atomic<bool> stopping_{false};
};

}  // namespace zvfs
