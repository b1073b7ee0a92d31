// InodeLocks: one AsyncMutex per inode in use, created on demand and dropped when no one holds
// or waits for it. Operations on several inodes lock them in ascending inode order (one
// lock_all call), so two operations can never wait for each other in a cycle.
//
// Thread safety: every method may be called from any thread. A Guard must be released (or
// destroyed) by the coroutine that obtained it, after which the entries may be freed.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "async_mutex.h"
#include "zvfs/types.h"

namespace zvfs {

class InodeLocks {
  struct Entry {
    AsyncMutex mutex;
    std::size_t refs = 0;  // holders and waiters; guarded by InodeLocks::mutex_
  };

 public:
  static constexpr std::size_t kMaxLocks = 4;

  class Guard {
   public:
    Guard() = default;
    Guard(Guard&& o) noexcept;
    Guard& operator=(Guard&& o) noexcept;
    ~Guard() { release(); }
    void release();
    bool holds(Ino ino) const noexcept;

   private:
    friend class InodeLocks;
    InodeLocks* owner_ = nullptr;
    std::array<std::pair<Ino, Entry*>, kMaxLocks> held_{};
    std::size_t count_ = 0;
  };

  // A list of up to kMaxLocks inodes (duplicates and zeros are ignored).
  struct LockList {
    std::array<Ino, kMaxLocks> inos{};
    std::size_t size = 0;
    void add(Ino ino) noexcept {
      if (ino != 0 && size < kMaxLocks) inos[size++] = ino;
    }
  };

  zerofs::Task<Guard> lock(Ino ino);
  // Locks every inode of `list` in ascending order.
  zerofs::Task<Guard> lock_all(LockList list);
  // Entries alive now (tests: they must all go once nothing is locked).
  std::size_t entries() const;

 private:
  Entry* acquire(Ino ino);
  void drop(Ino ino);

  mutable std::mutex mutex_;
  std::unordered_map<Ino, std::unique_ptr<Entry>> entries_;  // guarded by mutex_
};

}  // namespace zvfs
