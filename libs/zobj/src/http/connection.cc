#include "http/connection.h"

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>

namespace zobj::http {

namespace asio = zerofs::asio;
namespace bhttp = beast::http;
using asio::ip::tcp;
using zerofs::Errc;
using zerofs::Error;
using zerofs::Result;
using zerofs::Task;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kChunkedGrowth = 64 << 10;

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

Clock::time_point Timeouts::expiry(std::chrono::milliseconds step) const {
  const Clock::time_point at = Clock::now() + step;
  return deadline && *deadline < at ? *deadline : at;
}

Connection::Connection(asio::any_io_executor executor, boost::asio::ssl::context* tls,
                       const Endpoint& endpoint, std::string user_agent)
    : endpoint_(endpoint), user_agent_(std::move(user_agent)) {
  if (tls != nullptr) {
    ssl_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor, *tls);
  } else {
    tcp_ = std::make_unique<beast::tcp_stream>(executor);
  }
}

beast::tcp_stream& Connection::lowest() noexcept {
  return ssl_ ? beast::get_lowest_layer(*ssl_) : *tcp_;
}

void Connection::close() noexcept {
  reusable_ = false;
  boost::system::error_code ignored;
  lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  lowest().socket().close(ignored);
}

bool Connection::peer_gone() noexcept {
  if (!lowest().socket().is_open()) return true;
  char byte = 0;
  const ssize_t n = ::recv(lowest().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  // 0: orderly close; > 0: unsolicited bytes; < 0 other than EAGAIN: reset or worse.
  return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
}

Error Connection::transport_error(const boost::system::error_code& ec,
                                  std::string_view phase) const {
  if (ec == beast::error::timeout) {
    return Error::make(Errc::transient, "{}: timed out while {}", endpoint_.origin(), phase);
  }
  if (ec.category() == asio::error::get_ssl_category()) {
    // Certificate and protocol failures do not heal by retrying.
    return Error::make(Errc::permanent, "{}: TLS failure while {}: {}", endpoint_.origin(), phase,
                       ec.message());
  }
  return Error::make(Errc::transient, "{}: {} while {}", endpoint_.origin(), ec.message(), phase);
}

Task<Result<void>> Connection::connect(const Timeouts& timeouts) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  // No structured bindings of co_await results: GCC 12 mishandles them in coroutines.
  auto resolved = co_await resolver.async_resolve(endpoint_.host, std::to_string(endpoint_.port),
                                                  tcp::resolver::numeric_service, kTuple);
  if (std::get<0>(resolved)) {
    co_return std::unexpected(transport_error(std::get<0>(resolved), "resolving the host"));
  }
  beast::tcp_stream& stream = lowest();
  stream.expires_at(timeouts.expiry(timeouts.connect));
  auto connected = co_await stream.async_connect(std::get<1>(resolved), kTuple);
  if (std::get<0>(connected)) {
    co_return std::unexpected(transport_error(std::get<0>(connected), "connecting"));
  }
  stream.socket().set_option(tcp::no_delay(true));
  if (ssl_) {
    if (!is_ip_address(endpoint_.host) &&
        // SSL_set_tlsext_host_name() without its C cast.
        SSL_ctrl(ssl_->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(endpoint_.host.c_str())) != 1) {
      co_return zerofs::fail(Errc::permanent, "{}: cannot set the TLS server name",
                             endpoint_.origin());
    }
    ssl_->set_verify_callback(asio::ssl::host_name_verification(endpoint_.host));
    stream.expires_at(timeouts.expiry(timeouts.connect));
    auto shaken = co_await ssl_->async_handshake(asio::ssl::stream_base::client, kTuple);
    if (std::get<0>(shaken)) {
      co_return std::unexpected(transport_error(std::get<0>(shaken), "in the TLS handshake"));
    }
  }
  reusable_ = true;
  co_return Result<void>{};
}

Task<ExchangeResult> Connection::exchange(const Request& request, const Timeouts& timeouts) {
  reusable_ = false;  // until a whole response says otherwise
  if (ssl_) co_return co_await exchange_on(*ssl_, request, timeouts);
  co_return co_await exchange_on(*tcp_, request, timeouts);
}

template <typename Stream>
Task<ExchangeResult> Connection::exchange_on(Stream& stream, const Request& request,
                                             const Timeouts& timeouts) {
  bhttp::request<bhttp::buffer_body> msg;
  msg.method(bhttp::string_to_verb(request.method));
  msg.target(request.target);
  msg.version(11);
  msg.set(bhttp::field::host, endpoint_.authority());
  msg.set(bhttp::field::user_agent, user_agent_);
  for (const Header& h : request.headers) msg.set(h.name, h.value);
  const bool has_body =
      !request.body.empty() || request.method == "PUT" || request.method == "POST";
  // Beast's buffer_body wants a mutable pointer; the serializer only reads through it.
  msg.body().data = const_cast<std::byte*>(request.body.data());
  msg.body().size = request.body.size();
  msg.body().more = false;
  if (has_body) msg.content_length(request.body.size());
  msg.keep_alive(true);

  ExchangeResult out;
  bhttp::request_serializer<bhttp::buffer_body> serializer(msg);
  while (!serializer.is_done()) {
    lowest().expires_at(timeouts.expiry(timeouts.io));
    auto written = co_await bhttp::async_write_some(stream, serializer, kTuple);
    if (const auto ec = std::get<0>(written)) {
      out.response = std::unexpected(transport_error(ec, "sending the request"));
      co_return out;
    }
  }

  bhttp::response_parser<bhttp::buffer_body> parser;
  parser.body_limit(boost::none);
  if (request.method == "HEAD") parser.skip(true);
  lowest().expires_at(timeouts.expiry(timeouts.io));
  auto header = co_await bhttp::async_read_header(stream, buffer_, parser, kTuple);
  out.response_started = parser.got_some() || buffer_.size() > 0;
  if (const auto hec = std::get<0>(header)) {
    out.response = std::unexpected(transport_error(hec, "reading the response header"));
    co_return out;
  }
  Response response;
  response.status = static_cast<int>(parser.get().result_int());
  for (const auto& field : parser.get()) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  if (!parser.is_done()) {
    const auto length = parser.content_length();
    zerofs::Buffer& body = response.body;
    body.resize(length ? static_cast<std::size_t>(*length) : kChunkedGrowth);
    std::size_t filled = 0;
    while (!parser.is_done()) {
      if (filled == body.size()) body.resize(body.size() + std::max(body.size(), kChunkedGrowth));
      parser.get().body().data = body.data() + filled;
      parser.get().body().size = body.size() - filled;
      lowest().expires_at(timeouts.expiry(timeouts.io));
      auto read = co_await bhttp::async_read_some(stream, buffer_, parser, kTuple);
      filled = body.size() - parser.get().body().size;
      const auto ec = std::get<0>(read);
      if (ec == bhttp::error::need_buffer) continue;
      if (ec) {
        out.response = std::unexpected(transport_error(ec, "reading the response body"));
        co_return out;
      }
    }
    body.resize(filled);
  }
  reusable_ = parser.keep_alive();
  lowest().expires_never();
  out.response = std::move(response);
  co_return out;
}

}  // namespace zobj::http
