// Connection: one HTTP/1.1 connection (plain TCP or TLS) that exchanges requests for
// responses, one at a time. Private to src/http/*.cc: it brings in Beast.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <memory>
#include <optional>

#include "base/async.h"
#include "base/result.h"
#include "http/endpoint.h"
#include "http/http_message.h"

namespace zobj::http {

namespace beast = boost::beast;
using Clock = std::chrono::steady_clock;

struct Timeouts {
  std::chrono::milliseconds connect{10'000};
  std::chrono::milliseconds io{30'000};
  std::optional<Clock::time_point> deadline;

  // The instant the next operation must finish by: now + `step`, or the deadline if sooner.
  Clock::time_point expiry(std::chrono::milliseconds step) const;
};

struct ExchangeResult {
  zerofs::Result<Response> response;
  // False when the failure came before any byte of a response: with a reused connection
  // that the server had closed, the request was not processed and may be resent.
  bool response_started = false;
};

class Connection {
 public:
  // `tls` is null for plain http; otherwise it must outlive the connection.
  Connection(zerofs::asio::any_io_executor executor, boost::asio::ssl::context* tls,
             const Endpoint& endpoint, std::string user_agent);

  zerofs::Task<zerofs::Result<void>> connect(const Timeouts& timeouts);
  zerofs::Task<ExchangeResult> exchange(const Request& request, const Timeouts& timeouts);

  // Whether the last exchange left the connection fit for another request.
  bool reusable() const noexcept { return reusable_; }
  Clock::time_point idle_since() const noexcept { return idle_since_; }
  // Whether an idle connection can no longer carry a request: the peer closed it, reset it,
  // or sent bytes nobody asked for (a TLS close_notify, say). A non-blocking peek.
  bool peer_gone() noexcept;
  void mark_idle() noexcept { idle_since_ = Clock::now(); }
  void close() noexcept;

 private:
  template <typename Stream>
  zerofs::Task<ExchangeResult> exchange_on(Stream& stream, const Request& request,
                                           const Timeouts& timeouts);
  beast::tcp_stream& lowest() noexcept;
  zerofs::Error transport_error(const boost::system::error_code& ec, std::string_view phase) const;

  const Endpoint endpoint_;
  const std::string user_agent_;
  std::unique_ptr<beast::tcp_stream> tcp_;                     // plain http
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> ssl_;  // https
  beast::flat_buffer buffer_;
  bool reusable_ = false;
  Clock::time_point idle_since_ = Clock::now();
};

}  // namespace zobj::http
