#include "inode_locks.h"

#include <algorithm>

namespace zvfs {

InodeLocks::Guard::Guard(Guard&& o) noexcept
    : owner_(std::exchange(o.owner_, nullptr)),
      held_(o.held_),
      count_(std::exchange(o.count_, 0)) {}

InodeLocks::Guard& InodeLocks::Guard::operator=(Guard&& o) noexcept {
  if (this != &o) {
    release();
    owner_ = std::exchange(o.owner_, nullptr);
    held_ = o.held_;
    count_ = std::exchange(o.count_, 0);
  }
  return *this;
}

void InodeLocks::Guard::release() {
  // Reverse order of acquisition; any order would do for unlocking.
  while (count_ > 0) {
    auto [ino, entry] = held_[--count_];
    entry->mutex.unlock();
    owner_->drop(ino);
  }
  owner_ = nullptr;
}

bool InodeLocks::Guard::holds(Ino ino) const noexcept {
  for (std::size_t i = 0; i < count_; ++i) {
    if (held_[i].first == ino) return true;
  }
  return false;
}

InodeLocks::Entry* InodeLocks::acquire(Ino ino) {
  std::lock_guard lock(mutex_);
  auto& slot = entries_[ino];
  if (!slot) slot = std::make_unique<Entry>();
  ++slot->refs;
  return slot.get();
}

void InodeLocks::drop(Ino ino) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(ino);
  if (it != entries_.end() && --it->second->refs == 0) entries_.erase(it);
}

zerofs::Task<InodeLocks::Guard> InodeLocks::lock(Ino ino) {
  LockList list;
  list.add(ino);
  co_return co_await lock_all(list);
}

zerofs::Task<InodeLocks::Guard> InodeLocks::lock_all(LockList list) {
  std::sort(list.inos.begin(), list.inos.begin() + static_cast<std::ptrdiff_t>(list.size));
  Guard guard;
  guard.owner_ = this;
  Ino previous = 0;
  for (std::size_t i = 0; i < list.size; ++i) {
    const Ino ino = list.inos[i];
    if (ino == previous) continue;
    previous = ino;
    Entry* entry = acquire(ino);
    co_await entry->mutex.lock();
    guard.held_[guard.count_++] = {ino, entry};
  }
  co_return guard;
}

std::size_t InodeLocks::entries() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace zvfs
