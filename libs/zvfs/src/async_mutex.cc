#include "async_mutex.h"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/system_executor.hpp>
#include <optional>

namespace zvfs {

namespace {
// Posts the handler inside a lambda: Boost 1.81 constructs an any_completion_handler from an
// lvalue of itself when one is posted bare, which recurses until the stack overflows.
void resume(zerofs::asio::any_io_executor ex, boost::asio::any_completion_handler<void()> h) {
  boost::asio::post(ex, [h = std::move(h)]() mutable { std::move(h)(); });
}
}  // namespace

bool AsyncMutex::try_lock() {
  std::lock_guard lock(mutex_);
  if (locked_) return false;
  locked_ = true;
  return true;
}

zerofs::Task<void> AsyncMutex::lock() {
  if (try_lock()) co_return;
  co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void()>(
      [this](auto handler) {
        Waiter w{zerofs::asio::any_io_executor(
                     boost::asio::get_associated_executor(handler, boost::asio::system_executor())),
                 boost::asio::any_completion_handler<void()>(std::move(handler))};
        std::unique_lock lock(mutex_);
        if (!locked_) {
          // Released between try_lock() and here: take it and resume at once.
          locked_ = true;
          lock.unlock();
          resume(w.executor, std::move(w.handler));
          return;
        }
        waiters_.push_back(std::move(w));
      },
      boost::asio::use_awaitable);
}

void AsyncMutex::unlock() {
  // Moved by construction, never assigned: Boost 1.81's any_completion_handler has no move
  // assignment, so `next = std::move(front)` wraps the handler in a new one each hand-over and
  // a long chain of waiters overflows the stack when it finally runs.
  std::optional<Waiter> next;
  {
    std::lock_guard lock(mutex_);
    if (waiters_.empty()) {
      locked_ = false;
      return;
    }
    // Ownership passes straight to the waiter: locked_ stays true.
    next.emplace(std::move(waiters_.front()));
    waiters_.pop_front();
  }
  resume(next->executor, std::move(next->handler));
}

}  // namespace zvfs
