// SequenceWaiter: coroutines waiting for a monotonically increasing number to reach a target.
//
// Used for "durable up to sequence N", "flushed up to memtable M" and similar progress marks.
// advance() completes every waiter whose target is reached; fail_waiting() fails the waiters
// of this moment (a failed upload) while later waits still work; set_fatal() fails everyone,
// now and later (fenced, closed). Completions are posted to each waiter's own executor, never
// run inline. Thread safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/system_executor.hpp>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>

#include "base/async.h"
#include "base/result.h"

namespace lsm {

class SequenceWaiter {
 public:
  using Handler = boost::asio::any_completion_handler<void(zerofs::Result<void>)>;
  struct Waiter {
    zerofs::asio::any_io_executor executor;  // where the waiter resumes
    Handler handler;
  };

  explicit SequenceWaiter(std::uint64_t initial = 0) : value_(initial) {}

  std::uint64_t value() const {
    std::lock_guard lock(mutex_);
    return value_;
  }

  template <typename Token>
  auto async_wait_for(std::uint64_t target, Token&& token) {
    return boost::asio::async_initiate<Token, void(zerofs::Result<void>)>(
        [this, target](auto handler) {
          Waiter w{zerofs::asio::any_io_executor(boost::asio::get_associated_executor(
                       handler, boost::asio::system_executor())),
                   Handler(std::move(handler))};
          std::unique_lock lock(mutex_);
          if (fatal_) {
            zerofs::Result<void> r = std::unexpected(*fatal_);
            lock.unlock();
            complete(std::move(w), std::move(r));
          } else if (value_ >= target) {
            lock.unlock();
            complete(std::move(w), {});
          } else {
            waiting_.emplace(target, std::move(w));
          }
        },
        token);
  }

  // Resolves once value() >= target, or with the error of fail_waiting()/set_fatal().
  zerofs::Task<zerofs::Result<void>> wait_for(std::uint64_t target) {
    return async_wait_for(target, boost::asio::use_awaitable);
  }

  // Raises the value (never lowers it) and completes the waiters it satisfies.
  void advance(std::uint64_t value) {
    std::multimap<std::uint64_t, Waiter> ready;
    {
      std::lock_guard lock(mutex_);
      if (value <= value_) return;
      value_ = value;
      auto end = waiting_.upper_bound(value);
      ready.insert(std::make_move_iterator(waiting_.begin()), std::make_move_iterator(end));
      waiting_.erase(waiting_.begin(), end);
    }
    for (auto& [target, h] : ready) complete(std::move(h), {});
  }

  // Fails every waiter whose target is above the current value.
  void fail_waiting(const zerofs::Error& error) {
    std::multimap<std::uint64_t, Waiter> failed;
    {
      std::lock_guard lock(mutex_);
      failed.swap(waiting_);
    }
    for (auto& [target, h] : failed) complete(std::move(h), std::unexpected(error));
  }

  // From now on every wait fails with `error`.
  void set_fatal(const zerofs::Error& error) {
    {
      std::lock_guard lock(mutex_);
      if (!fatal_) fatal_ = error;
      has_fatal_.store(true, std::memory_order_release);
    }
    fail_waiting(error);
  }

  // Lock-free: whether set_fatal() was called (for hot paths; fatal() gives the error).
  bool is_fatal() const noexcept { return has_fatal_.load(std::memory_order_acquire); }

  std::optional<zerofs::Error> fatal() const {
    std::lock_guard lock(mutex_);
    return fatal_;
  }

 private:
  static void complete(Waiter w, zerofs::Result<void> r) {
    auto ex = w.executor;
    boost::asio::post(
        ex, [h = std::move(w.handler), r = std::move(r)]() mutable { std::move(h)(std::move(r)); });
  }

  mutable std::mutex mutex_;
  std::uint64_t value_;                           // guarded by mutex_
  std::multimap<std::uint64_t, Waiter> waiting_;  // guarded by mutex_
  std::optional<zerofs::Error> fatal_;            // guarded by mutex_
  std::atomic<bool> has_fatal_{false};
};

}  // namespace lsm
