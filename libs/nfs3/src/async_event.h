// AsyncEvent: lets one coroutine wait until another on the same strand says "something
// changed". Waiters re-check their condition in a loop:
//
//   while (!ready()) co_await event.wait();
//
// Because notifier and waiter share a strand, a notify() can only run while the waiter is
// suspended in wait() or before it checked its condition, so no wake-up is lost.
// Thread safety: strand-bound; one waiter at a time.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "base/async.h"

namespace nfs3::detail {

class AsyncEvent {
 public:
  explicit AsyncEvent(zerofs::asio::any_io_executor executor) : timer_(std::move(executor)) {}

  void notify() { timer_.cancel(); }

  zerofs::Task<void> wait() {
    timer_.expires_at(std::chrono::steady_clock::time_point::max());
    co_await timer_.async_wait(zerofs::asio::as_tuple(zerofs::asio::use_awaitable));
  }

  // Returns false when `deadline` passed without a notify().
  zerofs::Task<bool> wait_until(std::chrono::steady_clock::time_point deadline) {
    timer_.expires_at(deadline);
    auto [ec] = co_await timer_.async_wait(zerofs::asio::as_tuple(zerofs::asio::use_awaitable));
    co_return ec == zerofs::asio::error::operation_aborted;
  }

 private:
  zerofs::asio::steady_timer timer_;
};

}  // namespace nfs3::detail
