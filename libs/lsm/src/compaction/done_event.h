// DoneEvent: a one-shot event that any number of coroutines may await.
//
// set() (from any thread, once or more) completes every wait() in progress and every later
// one at once. Built on a closed Asio channel: closing a channel completes its pending
// receives, and a receive on a closed channel completes immediately.
// Thread safety: every member may be called from any thread.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/system/error_code.hpp>

#include "base/async.h"

namespace lsm {

class DoneEvent {
 public:
  explicit DoneEvent(zerofs::asio::any_io_executor executor) : channel_(std::move(executor)) {}

  void set() { channel_.close(); }
  bool is_set() const { return !channel_.is_open(); }

  zerofs::Task<void> wait() {
    (void)co_await channel_.async_receive(zerofs::asio::as_tuple(zerofs::asio::use_awaitable));
  }

 private:
  boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> channel_;
};

}  // namespace lsm
