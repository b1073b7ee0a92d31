// ConnectionPool: keep-alive connections per origin, at most `max_per_host` open at once.
// Touched only from the client's I/O thread, so it needs no lock.
#pragma once

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/connection.h"

namespace zobj::http {

class ConnectionPool {
 public:
  ConnectionPool(zerofs::asio::any_io_executor executor, boost::asio::ssl::context* tls,
                 std::size_t max_per_host, std::chrono::milliseconds idle_timeout,
                 std::string user_agent);

  struct Lease {
    std::unique_ptr<Connection> connection;
    bool reused = false;
  };

  // An idle connection to `endpoint` that is still open (unless `fresh`), or a new one once
  // fewer than max_per_host are open (with `fresh`, an idle connection is closed to make
  // room); waits for a free slot otherwise (until the timeouts' deadline).
  zerofs::Task<zerofs::Result<Lease>> acquire(const Endpoint& endpoint, const Timeouts& timeouts,
                                              bool fresh = false);
  // Gives the slot back: the connection is kept for reuse when it is fit for it.
  void release(const Endpoint& endpoint, std::unique_ptr<Connection> connection);
  void close_all();

  // Connections opened since construction; readable from any thread.
  std::uint64_t opened() const noexcept { return opened_.load(std::memory_order_relaxed); }

 private:
  struct Host {
    std::vector<std::unique_ptr<Connection>> idle;
    std::size_t open = 0;  // idle + in use + connecting
    std::deque<std::shared_ptr<boost::asio::steady_timer>> waiters;
  };

  void wake_one(Host& host);

  const zerofs::asio::any_io_executor executor_;
  boost::asio::ssl::context* const tls_;
  const std::size_t max_per_host_;
  const std::chrono::milliseconds idle_timeout_;
  const std::string user_agent_;
  std::unordered_map<std::string, Host> hosts_;  // by Endpoint::origin()
  std::atomic<std::uint64_t> opened_{0};
};

}  // namespace zobj::http
