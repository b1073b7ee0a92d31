// Signal: wakes one background loop from any thread, coalescing repeated notifications.
//
//   while (running) { co_await signal.wait(interval); do_work(); }
//
// notify() before wait() is remembered (at most once). close() wakes the waiter for good.
// Thread safety: notify()/close() from any thread; wait() from one coroutine at a time.
#pragma once

#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>

#include "base/async.h"

namespace lsm {

class Signal {
 public:
  explicit Signal(zerofs::asio::any_io_executor executor) : channel_(executor, 1) {}

  void notify() { channel_.try_send(boost::system::error_code{}); }
  void close() { channel_.close(); }
  bool is_open() const { return channel_.is_open(); }

  // Returns when notified, closed, or after `timeout`.
  zerofs::Task<void> wait(std::chrono::steady_clock::duration timeout);

 private:
  boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> channel_;
};

}  // namespace lsm
