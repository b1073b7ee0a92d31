#include "async_mutex.h"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/system_executor.hpp>

namespace zvfs {

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
        Waiter w{zerofs::asio::any_io_executor(boost::asio::get_associated_executor(
                     handler, boost::asio::system_executor())),
                 boost::asio::any_completion_handler<void()>(std::move(handler))};
        std::unique_lock lock(mutex_);
        if (!locked_) {
          // Released between try_lock() and here: take it and resume at once.
          locked_ = true;
          lock.unlock();
          auto ex = w.executor;
          boost::asio::post(ex, std::move(w.handler));
          return;
        }
        waiters_.push_back(std::move(w));
      },
      boost::asio::use_awaitable);
}

void AsyncMutex::unlock() {
  Waiter next;
  {
    std::lock_guard lock(mutex_);
    if (waiters_.empty()) {
      locked_ = false;
      return;
    }
    // Ownership passes straight to the waiter: locked_ stays true.
    next = std::move(waiters_.front());
    waiters_.pop_front();
  }
  auto ex = next.executor;
  boost::asio::post(ex, std::move(next.handler));
}

}  // namespace zvfs
