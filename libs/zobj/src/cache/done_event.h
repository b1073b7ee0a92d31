// DoneEvent: a one-shot event any number of coroutines may await, from any thread.
// set() completes every wait() in progress and every later one at once (a closed Asio
// channel completes pending and future receives).
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/system/error_code.hpp>

#include "base/async.h"

namespace zobj::cache {

class DoneEvent {
 public:
  explicit DoneEvent(zerofs::asio::any_io_executor executor) : channel_(std::move(executor)) {}

  void set() { channel_.close(); }

  zerofs::Task<void> wait() {
    (void)co_await channel_.async_receive(zerofs::asio::as_tuple(zerofs::asio::use_awaitable));
  }

 private:
  boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> channel_;
};

}  // namespace zobj::cache
