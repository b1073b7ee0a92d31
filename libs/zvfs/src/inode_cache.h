// InodeCache: decoded inodes kept in memory, least recently used evicted first.
//
// Writers update it while holding the inode's lock, after their batch is in the database
// (put/erase). Lock-free readers (getattr, read) fill it after a database get with
// insert_if_unchanged(generation-before-the-get): if any writer touched the cache in
// between, the fill is dropped, so a stale value read before a write can never overwrite
// the newer one.
//
// Thread safety: every method may be called from any thread (one mutex, held briefly).
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "records.h"

namespace zvfs {

class InodeCache {
 public:
  explicit InodeCache(std::size_t capacity) : capacity_(capacity) {}

  std::optional<Inode> get(Ino ino);
  void put(const Inode& inode);
  void erase(Ino ino);
  // The current generation, to pass to insert_if_unchanged().
  std::uint64_t generation() const;
  void insert_if_unchanged(const Inode& inode, std::uint64_t generation);
  std::size_t size() const;

 private:
  void put_locked(const Inode& inode);

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Inode> lru_;  // most recent first; guarded by mutex_
  std::unordered_map<Ino, std::list<Inode>::iterator> index_;  // guarded by mutex_
  std::uint64_t generation_ = 0;                               // guarded by mutex_
};

}  // namespace zvfs
