// AsyncMutex: a mutex for coroutines. lock() suspends the coroutine (never the thread) until
// the mutex is free; unlock() hands it to the oldest waiter, resumed on its own executor.
// FIFO, so no waiter starves. Held across co_await by design: that is its purpose (a
// std::mutex must never be).
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <deque>
#include <mutex>
#include <utility>

#include "base/async.h"

namespace zvfs {

class AsyncMutex {
 public:
  AsyncMutex() = default;
  AsyncMutex(const AsyncMutex&) = delete;
  AsyncMutex& operator=(const AsyncMutex&) = delete;

  bool try_lock();
  zerofs::Task<void> lock();
  // REQUIRES: held by the caller.
  void unlock();

 private:
  struct Waiter {
    zerofs::asio::any_io_executor executor;
    boost::asio::any_completion_handler<void()> handler;
  };

  std::mutex mutex_;
  bool locked_ = false;         // guarded by mutex_
  std::deque<Waiter> waiters_;  // guarded by mutex_
};

// Unlocks on destruction; move-only.
class AsyncMutexGuard {
 public:
  AsyncMutexGuard() = default;
  explicit AsyncMutexGuard(AsyncMutex* m) : mutex_(m) {}
  AsyncMutexGuard(AsyncMutexGuard&& o) noexcept : mutex_(std::exchange(o.mutex_, nullptr)) {}
  AsyncMutexGuard& operator=(AsyncMutexGuard&& o) noexcept {
    if (this != &o) {
      release();
      mutex_ = std::exchange(o.mutex_, nullptr);
    }
    return *this;
  }
  ~AsyncMutexGuard() { release(); }
  void release() {
    if (mutex_) std::exchange(mutex_, nullptr)->unlock();
  }

 private:
  AsyncMutex* mutex_ = nullptr;
};

}  // namespace zvfs
