// LeaseGate: bounds how many Redis-leased mutations of one store run at once.
//
// A lease's clock runs from the moment it is granted; an operation that then queued for one
// of the HTTP client's pooled connections behind hundreds of others would spend its lease
// waiting and fail at its deadline. Taking a permit here first (before the lease) keeps the
// leased operations within what the connection pool can serve promptly.
//
// Thread safety: acquire() and release() may be called from any thread; a waiter resumes on
// its own executor (each waiter has a concurrent_channel, which is safe across threads).
#pragma once

#include <boost/asio/experimental/concurrent_channel.hpp>
#include <deque>
#include <memory>
#include <mutex>

#include "base/async.h"

namespace zobj::s3 {

class LeaseGate {
  using Channel = boost::asio::experimental::concurrent_channel<void(boost::system::error_code)>;

 public:
  explicit LeaseGate(std::size_t permits) : available_(permits) {}

  zerofs::Task<void> acquire() {
    std::shared_ptr<Channel> wake;
    {
      std::lock_guard lock(mutex_);
      if (available_ > 0) {
        --available_;
        co_return;
      }
      wake = std::make_shared<Channel>(co_await zerofs::asio::this_coro::executor, 1);
      waiters_.push_back(wake);
    }
    // The permit is handed over by release() before it sends.
    co_await wake->async_receive(zerofs::asio::as_tuple(zerofs::asio::use_awaitable));
  }

  void release() {
    std::shared_ptr<Channel> next;
    {
      std::lock_guard lock(mutex_);
      if (waiters_.empty()) {
        ++available_;
        return;
      }
      next = std::move(waiters_.front());
      waiters_.pop_front();
    }
    next->try_send(boost::system::error_code{});
  }

 private:
  std::mutex mutex_;
  std::size_t available_;                         // guarded by mutex_
  std::deque<std::shared_ptr<Channel>> waiters_;  // guarded by mutex_
};

// Holds one permit for a scope.
class GatePermit {
 public:
  explicit GatePermit(LeaseGate* gate) : gate_(gate) {}
  ~GatePermit() {
    if (gate_ != nullptr) gate_->release();
  }
  GatePermit(const GatePermit&) = delete;
  GatePermit& operator=(const GatePermit&) = delete;

 private:
  LeaseGate* gate_;
};

}  // namespace zobj::s3
