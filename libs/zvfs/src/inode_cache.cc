#include "inode_cache.h"

namespace zvfs {

std::optional<Inode> InodeCache::get(Ino ino) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(ino);
  if (it == index_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  return *it->second;
}

void InodeCache::put_locked(const Inode& inode) {
  if (capacity_ == 0) return;
  auto it = index_.find(inode.ino);
  if (it != index_.end()) {
    *it->second = inode;
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.push_front(inode);
  index_.emplace(inode.ino, lru_.begin());
  if (lru_.size() > capacity_) {
    index_.erase(lru_.back().ino);
    lru_.pop_back();
  }
}

void InodeCache::put(const Inode& inode) {
  std::lock_guard lock(mutex_);
  ++generation_;
  put_locked(inode);
}

void InodeCache::erase(Ino ino) {
  std::lock_guard lock(mutex_);
  ++generation_;
  auto it = index_.find(ino);
  if (it == index_.end()) return;
  lru_.erase(it->second);
  index_.erase(it);
}

std::uint64_t InodeCache::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

void InodeCache::insert_if_unchanged(const Inode& inode, std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generation != generation_) return;
  put_locked(inode);
}

std::size_t InodeCache::size() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

}  // namespace zvfs
