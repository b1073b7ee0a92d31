// http::Client against small scripted servers on loopback: pooling and its bound,
// keep-alive reuse, resending after a server closed an idle connection, timeouts,
// refused connections and plain http.
#include "http/http_client.h"

#include <fmt/format.h>

#include <atomic>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <thread>

#include "store_test_util.h"
#include "test_support/catch.h"

using namespace zobj;
namespace asio = zerofs::asio;
using asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Answers each request on a connection with reply(n) (n counts requests on that
// connection); an empty reply closes the connection without answering, "hang" never answers,
// "close:" + reply answers and then closes the connection.
class ScriptedServer {
 public:
  using Reply = std::function<std::string(int n)>;
  explicit ScriptedServer(Reply reply) : reply_(std::move(reply)), acceptor_(io_) {
    const tcp::endpoint at(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(at.protocol());
    acceptor_.bind(at);
    acceptor_.listen();
    asio::co_spawn(io_, accept(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ScriptedServer() {
    io_.stop();
    thread_.join();
  }
  http::Endpoint endpoint() const {
    http::Endpoint ep;
    ep.tls = false;
    ep.host = "127.0.0.1";
    ep.port = acceptor_.local_endpoint().port();
    return ep;
  }
  int connections() const { return connections_.load(); }
  int peak() const { return peak_.load(); }

 private:
  zerofs::Task<void> accept() {
    for (;;) {
      auto accepted = co_await acceptor_.async_accept(kTuple);
      if (std::get<0>(accepted)) co_return;
      auto socket = std::make_shared<tcp::socket>(std::move(std::get<1>(accepted)));
      asio::co_spawn(io_, serve(socket), asio::detached);
    }
  }
  zerofs::Task<void> serve(std::shared_ptr<tcp::socket> socket) {
    connections_.fetch_add(1);
    const int now = open_.fetch_add(1) + 1;
    for (int seen = peak_.load(); now > seen && !peak_.compare_exchange_weak(seen, now);) {
    }
    asio::streambuf input;
    for (int n = 0;; ++n) {
      auto header = co_await asio::async_read_until(*socket, input, "\r\n\r\n", kTuple);
      if (std::get<0>(header)) break;
      input.consume(std::get<1>(header));
      // Hold the request a moment so concurrent requests overlap.
      asio::steady_timer pause(io_, std::chrono::milliseconds(5));
      co_await pause.async_wait(kTuple);
      const std::string reply = reply_(n);
      if (reply == "hang") {
        asio::steady_timer forever(io_, std::chrono::hours(1));
        co_await forever.async_wait(kTuple);
      }
      if (reply.empty()) break;
      const bool close_after = reply.starts_with("close:");
      const std::string_view bytes = std::string_view(reply).substr(close_after ? 6 : 0);
      auto written = co_await asio::async_write(*socket, asio::buffer(bytes), kTuple);
      if (std::get<0>(written) || close_after) break;
    }
    open_.fetch_sub(1);
  }

  Reply reply_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<int> connections_{0};
  std::atomic<int> open_{0};
  std::atomic<int> peak_{0};
};

std::string ok_reply(std::string_view body) {
  return fmt::format("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{}", body.size(), body);
}

std::unique_ptr<http::Client> plain_client(std::size_t max_connections = 4) {
  http::ClientOptions options;
  options.allow_http = true;
  options.max_connections_per_host = max_connections;
  options.io_timeout = std::chrono::milliseconds(300);
  options.connect_timeout = std::chrono::milliseconds(300);
  return http::Client::create(options).value();
}

Result<http::Response> get(http::Client& client, const http::Endpoint& ep) {
  asio::io_context io;
  return zerofs::run_blocking(io, client.send(ep, http::Request("GET", "/x")));
}

}  // namespace

TEST_CASE("http: concurrent requests share a bounded keep-alive pool") {
  ScriptedServer server([](int) { return ok_reply("hello"); });
  auto client = plain_client(2);
  const http::Endpoint ep = server.endpoint();
  std::vector<std::function<zerofs::Task<Result<http::Response>>()>> tasks;
  for (int i = 0; i < 24; ++i) {
    tasks.emplace_back([&client, &ep] { return client->send(ep, http::Request("GET", "/x")); });
  }
  for (auto& r : zobj::testing::run_concurrently(std::move(tasks), 4)) {
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body.chars() == "hello");
  }
  CHECK(server.peak() <= 2);
  CHECK(server.connections() <= 2);
  CHECK(client->stats().connections_opened == static_cast<std::uint64_t>(server.connections()));
  CHECK(client->stats().connections_reused >= 22);
}

TEST_CASE("http: a pooled connection the server closed is replaced transparently") {
  // Each connection answers one request and then closes, without saying so.
  ScriptedServer server([](int n) { return n == 0 ? ok_reply("once") : std::string(); });
  auto client = plain_client();
  for (int i = 0; i < 3; ++i) {
    const auto r = get(*client, server.endpoint());
    REQUIRE(r);
    CHECK(r->body.chars() == "once");
  }
  CHECK(client->stats().stale_resends >= 1);
}

TEST_CASE("http: idle connections the server has since closed are never handed out") {
  // Like node's keep-alive timeout: the server closes each connection after its reply.
  ScriptedServer server([](int) { return "close:" + ok_reply("bye"); });
  auto client = plain_client(4);
  const http::Endpoint ep = server.endpoint();
  std::vector<std::function<zerofs::Task<Result<http::Response>>()>> tasks;
  for (int i = 0; i < 4; ++i) {
    tasks.emplace_back([&client, &ep] { return client->send(ep, http::Request("GET", "/x")); });
  }
  for (auto& r : zobj::testing::run_concurrently(std::move(tasks), 4)) REQUIRE(r);
  // Up to four closed connections now sit in the pool; each request must get a live one
  // (a resend on another closed connection would fail).
  for (int i = 0; i < 4; ++i) {
    const auto r = get(*client, ep);
    REQUIRE(r);
    CHECK(r->body.chars() == "bye");
  }
  CHECK(server.connections() == static_cast<int>(client->stats().connections_opened));
}

TEST_CASE("http: chunked and large bodies are read whole") {
  const std::string big(3 << 20, 'z');
  ScriptedServer server([&](int n) {
    if (n % 2 == 0) return ok_reply(big);
    return std::string(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n "
        "world\r\n0\r\n\r\n");
  });
  auto client = plain_client();
  const auto first = get(*client, server.endpoint());
  REQUIRE(first);
  CHECK(first->body.size() == big.size());
  CHECK(first->body.chars() == big);
  const auto second = get(*client, server.endpoint());
  REQUIRE(second);
  CHECK(second->body.chars() == "hello world");
}

TEST_CASE("http: a server that never answers times out as a transient error") {
  ScriptedServer server([](int) { return std::string("hang"); });
  auto client = plain_client();
  const auto r = get(*client, server.endpoint());
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == zerofs::Errc::transient);
  CHECK_THAT(r.error().message(), Catch::Contains("timed out"));

  // A request deadline cuts a request short too.
  auto patient = [] {
    http::ClientOptions options;
    options.allow_http = true;
    options.io_timeout = std::chrono::seconds(60);
    return http::Client::create(options).value();
  }();
  http::Request request("GET", "/x");
  request.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  asio::io_context io;
  const auto cut = zerofs::run_blocking(io, patient->send(server.endpoint(), std::move(request)));
  REQUIRE_FALSE(cut);
  CHECK(cut.error().code() == zerofs::Errc::transient);
}

TEST_CASE("http: refused connections are transient, plain http needs allow_http") {
  http::Endpoint nobody;
  nobody.tls = false;
  nobody.host = "127.0.0.1";
  asio::io_context io;
  tcp::acceptor closed(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  nobody.port = closed.local_endpoint().port();
  closed.close();
  auto client = plain_client();
  const auto refused = get(*client, nobody);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code() == zerofs::Errc::transient);

  http::ClientOptions strict;
  auto https_only = http::Client::create(strict).value();
  const auto plain = get(*https_only, nobody);
  REQUIRE_FALSE(plain);
  CHECK(plain.error().code() == zerofs::Errc::invalid_argument);

  strict.ca_file = "/nonexistent/ca.pem";
  CHECK(http::Client::create(strict).error().code() == zerofs::Errc::invalid_argument);
}
