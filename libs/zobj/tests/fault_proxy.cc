#include "fault_proxy.h"

#include <fmt/format.h>

#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <thread>
#include <vector>

#include "base/async.h"

namespace zobj::testing {

namespace asio = zerofs::asio;
using asio::ip::tcp;
using zerofs::Task;

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
}

class FaultProxy::Impl {
 public:
  Impl(FaultProxy& owner, std::uint16_t upstream) : owner_(owner), upstream_(upstream) {}

  void start() {
    open_acceptor();
    thread_ = std::thread([this] { io_.run(); });
  }

  void stop() {
    asio::post(io_, [this] {
      close_acceptor();
      sever();
      work_.reset();
    });
    thread_.join();
  }

  void set_mode(Mode mode, std::size_t cut_after, int retry_after) {
    std::promise<void> done;
    asio::post(io_, [&] {
      mode_ = mode;
      cut_after_ = cut_after;
      retry_after_ = retry_after;
      sever();
      done.set_value();
    });
    done.get_future().wait();
  }

 private:
  void open_acceptor() {
    acceptor_ = std::make_unique<tcp::acceptor>(io_);
    const tcp::endpoint at(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_->open(at.protocol());
    acceptor_->bind(at);
    acceptor_->listen();
    owner_.port_ = acceptor_->local_endpoint().port();
    asio::co_spawn(io_, accept_loop(acceptor_.get()), asio::detached);
  }

  void close_acceptor() {
    if (!acceptor_) return;
    boost::system::error_code ignored;
    acceptor_->close(ignored);
  }

  void sever() {
    for (auto& weak : sockets_) {
      if (auto socket = weak.lock()) {
        boost::system::error_code ignored;
        socket->shutdown(tcp::socket::shutdown_both, ignored);
        socket->close(ignored);
      }
    }
    sockets_.clear();
  }

  std::shared_ptr<tcp::socket> track(tcp::socket socket) {
    auto shared = std::make_shared<tcp::socket>(std::move(socket));
    sockets_.push_back(shared);
    return shared;
  }

  Task<void> accept_loop(tcp::acceptor* acceptor) {
    for (;;) {
      auto accepted = co_await acceptor->async_accept(kTuple);
      if (std::get<0>(accepted)) co_return;
      owner_.count(&Counters::accepted);
      auto client = track(std::move(std::get<1>(accepted)));
      if (mode_ == Mode::outage) {
        // Reset at once. The port stays bound: a closed port could be handed to another
        // socket meanwhile, and the outage could not end.
        boost::system::error_code ignored;
        client->set_option(tcp::socket::linger(true, 0), ignored);
        client->close(ignored);
        continue;
      }
      if (mode_ == Mode::slow_down || mode_ == Mode::internal_error ||
          mode_ == Mode::too_many_requests || mode_ == Mode::reset) {
        asio::co_spawn(io_, scripted(client, mode_, retry_after_), asio::detached);
      } else {
        asio::co_spawn(io_, relay(client, mode_ == Mode::cut ? cut_after_ : 0), asio::detached);
      }
    }
  }

  Task<void> relay(std::shared_ptr<tcp::socket> client, std::size_t cut_after) {
    auto upstream = track(tcp::socket(io_));
    auto connected = co_await upstream->async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), upstream_), kTuple);
    if (std::get<0>(connected)) {
      boost::system::error_code ignored;
      client->close(ignored);
      co_return;
    }
    auto budget = std::make_shared<std::size_t>(cut_after);
    asio::co_spawn(io_, pump(client, upstream, budget), asio::detached);
    asio::co_spawn(io_, pump(upstream, client, budget), asio::detached);
  }

  // Copies from -> to; with a budget (cut mode) closes both once it is spent.
  Task<void> pump(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to,
                  std::shared_ptr<std::size_t> budget) {
    const bool limited = *budget > 0;
    std::vector<char> buffer(64 << 10);
    for (;;) {
      std::size_t want = buffer.size();
      if (limited) want = std::min(want, *budget);
      auto read = co_await from->async_read_some(asio::buffer(buffer.data(), want), kTuple);
      if (std::get<0>(read)) break;
      auto written =
          co_await asio::async_write(*to, asio::buffer(buffer.data(), std::get<1>(read)), kTuple);
      if (std::get<0>(written)) break;
      if (limited) {
        *budget -= std::min(*budget, std::get<1>(read));
        if (*budget == 0) {
          owner_.count(&Counters::cuts);
          break;
        }
      }
    }
    boost::system::error_code ignored;
    from->close(ignored);
    to->close(ignored);
  }

  // Answers every request on `client` with the error `mode` scripts (or resets it).
  Task<void> scripted(std::shared_ptr<tcp::socket> client, Mode mode, int retry_after) {
    asio::streambuf input;
    for (;;) {
      auto header = co_await asio::async_read_until(*client, input, "\r\n\r\n", kTuple);
      if (std::get<0>(header)) break;
      if (mode == Mode::reset) {
        boost::system::error_code ignored;
        client->set_option(tcp::socket::linger(true, 0), ignored);
        client->close(ignored);
        owner_.count(&Counters::resets);
        co_return;
      }
      std::string head(asio::buffers_begin(input.data()),
                       asio::buffers_begin(input.data()) + static_cast<long>(std::get<1>(header)));
      input.consume(std::get<1>(header));
      std::size_t length = 0;
      for (std::string name : {"Content-Length: ", "content-length: "}) {
        if (const auto at = head.find(name); at != std::string::npos) {
          length = std::stoul(head.substr(at + name.size()));
        }
      }
      while (input.size() < length) {
        auto more = co_await asio::async_read(
            *client, input, asio::transfer_exactly(length - input.size()), kTuple);
        if (std::get<0>(more)) co_return;
      }
      input.consume(length);
      const char* status = "503 Slow Down";
      const char* code = "SlowDown";
      if (mode == Mode::internal_error) {
        status = "500 Internal Server Error";
        code = "InternalError";
      } else if (mode == Mode::too_many_requests) {
        status = "429 Too Many Requests";
        code = "TooManyRequests";
      }
      const std::string body = fmt::format(
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{}</Code><Message>Scripted "
          "by the fault proxy.</Message></Error>",
          code);
      const bool is_head = head.starts_with("HEAD ");
      const std::string reply = fmt::format(
          "HTTP/1.1 {}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n{}\r\n{}", status,
          body.size(), retry_after > 0 ? fmt::format("Retry-After: {}\r\n", retry_after) : "",
          is_head ? "" : body);
      owner_.count(&Counters::slowdowns);
      auto written = co_await asio::async_write(*client, asio::buffer(reply), kTuple);
      if (std::get<0>(written)) break;
    }
  }

  FaultProxy& owner_;
  const std::uint16_t upstream_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::thread thread_;
  // The rest is touched only on the proxy's thread.
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::vector<std::weak_ptr<tcp::socket>> sockets_;
  Mode mode_ = Mode::pass;
  std::size_t cut_after_ = 0;
  int retry_after_ = 0;
};

FaultProxy::FaultProxy(std::uint16_t upstream_port)
    : impl_(std::make_unique<Impl>(*this, upstream_port)) {
  impl_->start();
}

FaultProxy::~FaultProxy() { impl_->stop(); }

std::string FaultProxy::endpoint() const { return fmt::format("http://127.0.0.1:{}", port_); }

void FaultProxy::set_mode(Mode mode, std::size_t cut_after, int retry_after_s) {
  impl_->set_mode(mode, cut_after, retry_after_s);
}

FaultProxy::Counters FaultProxy::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

void FaultProxy::count(std::uint64_t Counters::*field) {
  {
    std::lock_guard lock(mutex_);
    ++(counters_.*field);
  }
  changed_.notify_all();
}

}  // namespace zobj::testing
