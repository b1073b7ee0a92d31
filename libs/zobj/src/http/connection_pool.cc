#include "http/connection_pool.h"

namespace zobj::http {

namespace asio = zerofs::asio;
using zerofs::Errc;
using zerofs::Result;
using zerofs::Task;

ConnectionPool::ConnectionPool(asio::any_io_executor executor, boost::asio::ssl::context* tls,
                               std::size_t max_per_host, std::chrono::milliseconds idle_timeout,
                               std::string user_agent)
    : executor_(std::move(executor)),
      tls_(tls),
      max_per_host_(std::max<std::size_t>(1, max_per_host)),
      idle_timeout_(idle_timeout),
      user_agent_(std::move(user_agent)) {}

Task<Result<ConnectionPool::Lease>> ConnectionPool::acquire(const Endpoint& endpoint,
                                                            const Timeouts& timeouts, bool fresh) {
  const std::string origin = endpoint.origin();
  for (;;) {
    Host& host = hosts_[origin];
    // Servers drop idle keep-alive connections after a while (node's default is 5 s);
    // do not hand out those, nor any the server already closed.
    const auto stale_before = Clock::now() - idle_timeout_;
    while (!host.idle.empty() && host.idle.front()->idle_since() < stale_before) {
      host.idle.front()->close();
      host.idle.erase(host.idle.begin());
      --host.open;
    }
    while (!host.idle.empty()) {
      std::unique_ptr<Connection> connection = std::move(host.idle.back());
      host.idle.pop_back();
      if (!fresh && !connection->peer_gone()) co_return Lease{std::move(connection), true};
      connection->close();
      --host.open;
      if (fresh) break;  // one slot freed is enough
    }
    if (host.open < max_per_host_) {
      ++host.open;
      opened_.fetch_add(1, std::memory_order_relaxed);
      auto connection = std::make_unique<Connection>(executor_, tls_, endpoint, user_agent_);
      Result<void> connected = co_await connection->connect(timeouts);
      if (!connected) {
        Host& again = hosts_[origin];
        --again.open;
        wake_one(again);
        co_return std::unexpected(std::move(connected).error());
      }
      co_return Lease{std::move(connection), false};
    }
    auto timer = std::make_shared<asio::steady_timer>(executor_);
    timer->expires_at(timeouts.deadline ? *timeouts.deadline : Clock::time_point::max());
    host.waiters.push_back(timer);
    co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
    if (timeouts.deadline && Clock::now() >= *timeouts.deadline) {
      Host& again = hosts_[origin];
      std::erase(again.waiters, timer);
      co_return zerofs::fail(Errc::transient, "{}: no free connection before the deadline", origin);
    }
  }
}

void ConnectionPool::release(const Endpoint& endpoint, std::unique_ptr<Connection> connection) {
  Host& host = hosts_[endpoint.origin()];
  if (connection && connection->reusable()) {
    connection->mark_idle();
    host.idle.push_back(std::move(connection));
  } else {
    if (connection) connection->close();
    --host.open;
  }
  wake_one(host);
}

void ConnectionPool::wake_one(Host& host) {
  if (host.waiters.empty()) return;
  host.waiters.front()->cancel();
  host.waiters.pop_front();
}

void ConnectionPool::close_all() {
  for (auto& [origin, host] : hosts_) {
    for (auto& connection : host.idle) connection->close();
    host.open -= host.idle.size();
    host.idle.clear();
    for (auto& waiter : host.waiters) waiter->cancel();
    host.waiters.clear();
  }
}

}  // namespace zobj::http
