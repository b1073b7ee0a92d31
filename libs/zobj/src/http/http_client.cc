#include "http/http_client.h"

#include <fmt/format.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ssl/context.hpp>
#include <thread>

#include "http/connection_pool.h"

namespace zobj::http {

namespace asio = zerofs::asio;
using zerofs::Errc;
using zerofs::Result;
using zerofs::Task;

// One request in flight: what the caller handed over, kept alive on the I/O thread.
struct Exchange {
  Exchange(const Endpoint& ep, Request req) : endpoint(ep), request(std::move(req)) {}
  const Endpoint& endpoint;
  Request request;
};

class Client::Impl {
 public:
  explicit Impl(ClientOptions options) : options_(std::move(options)) {}
  ~Impl() { stop(); }

  Result<void> start() {
    tls_.emplace(asio::ssl::context::tls_client);
    boost::system::error_code ec;
    if (options_.ca_file.empty()) {
      tls_->set_default_verify_paths(ec);
    } else {
      tls_->load_verify_file(options_.ca_file, ec);
    }
    if (ec) {
      return zerofs::fail(Errc::invalid_argument, "cannot load CA certificates{}{}: {}",
                          options_.ca_file.empty() ? "" : " from ", options_.ca_file, ec.message());
    }
    tls_->set_verify_mode(asio::ssl::verify_peer);
    pool_.emplace(io_.get_executor(), &*tls_, options_.max_connections_per_host,
                  options_.idle_timeout, options_.user_agent);
    plain_pool_.emplace(io_.get_executor(), nullptr, options_.max_connections_per_host,
                        options_.idle_timeout, options_.user_agent);
    thread_ = std::thread([this] { io_.run(); });
    return {};
  }

  void stop() {
    if (!thread_.joinable()) return;
    asio::post(io_, [this] {
      pool_->close_all();
      plain_pool_->close_all();
      work_.reset();
    });
    thread_.join();
  }

  Task<Result<Response>> run(std::shared_ptr<Exchange> exchange) {
    requests_.fetch_add(1, std::memory_order_relaxed);
    const Endpoint& endpoint = exchange->endpoint;
    if (!endpoint.tls && !options_.allow_http) {
      co_return zerofs::fail(Errc::invalid_argument,
                             "{}: plain http is not allowed (set allow_http)", endpoint.origin());
    }
    ConnectionPool& pool = endpoint.tls ? *pool_ : *plain_pool_;
    Timeouts timeouts;
    timeouts.connect = options_.connect_timeout;
    timeouts.io = options_.io_timeout;
    timeouts.deadline = exchange->request.deadline;
    for (int attempt = 0;; ++attempt) {
      Result<ConnectionPool::Lease> lease = co_await pool.acquire(endpoint, timeouts, attempt > 0);
      if (!lease) co_return std::unexpected(std::move(lease).error());
      if (lease->reused) reused_.fetch_add(1, std::memory_order_relaxed);
      ExchangeResult result = co_await lease->connection->exchange(exchange->request, timeouts);
      pool.release(endpoint, std::move(lease->connection));
      if (!result.response && lease->reused && !result.response_started && attempt == 0 &&
          result.response.error().code() == Errc::transient && !past_deadline(timeouts)) {
        stale_resends_.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      co_return std::move(result.response);
    }
  }

  ClientStats stats() const {
    ClientStats s;
    s.requests = requests_.load(std::memory_order_relaxed);
    s.connections_reused = reused_.load(std::memory_order_relaxed);
    s.stale_resends = stale_resends_.load(std::memory_order_relaxed);
    s.connections_opened = pool_->opened() + plain_pool_->opened();
    return s;
  }

  asio::io_context& io() { return io_; }
  const ClientOptions& options() const { return options_; }

 private:
  static bool past_deadline(const Timeouts& timeouts) {
    return timeouts.deadline && Clock::now() >= *timeouts.deadline;
  }

  const ClientOptions options_;
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::optional<asio::ssl::context> tls_;
  std::optional<ConnectionPool> pool_;        // https origins
  std::optional<ConnectionPool> plain_pool_;  // http origins
  std::thread thread_;
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> reused_{0};
  std::atomic<std::uint64_t> stale_resends_{0};
};

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

Result<std::unique_ptr<Client>> Client::create(ClientOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  ZF_CHECK(impl->start());
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

Task<Result<Response>> Client::send(const Endpoint& endpoint, Request request) {
  auto exchange = std::make_shared<Exchange>(endpoint, std::move(request));
  Impl& impl = *impl_;
  Result<Response> response =
      co_await asio::co_spawn(impl.io(), impl.run(std::move(exchange)), asio::use_awaitable);
  co_return response;
}

ClientStats Client::stats() const { return impl_->stats(); }
const ClientOptions& Client::options() const { return impl_->options(); }

}  // namespace zobj::http
