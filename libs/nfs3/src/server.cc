#include "nfs3/server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "async_event.h"
#include "base/log.h"
#include "connection.h"
#include "nfs3/dispatcher.h"

namespace nfs3 {

namespace asio = zerofs::asio;
using tcp = asio::ip::tcp;
using detail::Connection;
using zerofs::Errc;

struct RpcServer::State : std::enable_shared_from_this<RpcServer::State> {
  State(asio::any_io_executor ex, ServerOptions opts)
      : executor(ex),
        strand(asio::make_strand(ex)),
        acceptor(strand),
        options(std::move(opts)),
        drc(options.drc),
        counters(std::make_shared<detail::ConnectionCounters>()),
        all_closed(strand) {}

  // Constant after listen().
  asio::any_io_executor executor;
  asio::any_io_executor strand;  // accept loop, shutdown, all_closed
  tcp::acceptor acceptor;        // strand only
  ServerOptions options;
  DuplicateRequestCache drc;
  std::shared_ptr<Dispatcher> dispatcher;  // set by listen()
  std::shared_ptr<detail::ConnectionCounters> counters;
  std::atomic<std::uint64_t> accepted{0};

  std::mutex mutex;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;  // guarded by mutex
  bool stopping = false;                                                   // guarded by mutex
  detail::AsyncEvent all_closed;  // strand only: a connection went away while stopping

  void start_connection(tcp::socket socket);
  void on_closed(Connection* connection);
};

namespace {

PeerAddress peer_of(const tcp::socket& socket) {
  PeerAddress peer;
  boost::system::error_code ec;
  const tcp::endpoint ep = socket.remote_endpoint(ec);
  if (ec) return peer;
  peer.port = ep.port();
  if (ep.address().is_v6()) {
    peer.is_v6 = true;
    const auto bytes = ep.address().to_v6().to_bytes();
    std::copy(bytes.begin(), bytes.end(), peer.bytes.begin());
  } else {
    const auto bytes = ep.address().to_v4().to_bytes();
    std::copy(bytes.begin(), bytes.end(), peer.bytes.begin());
  }
  return peer;
}

Task<void> accept_loop(std::shared_ptr<RpcServer::State> s) {
  while (true) {
    // Each connection gets its own strand; an any_io_executor keeps the socket a tcp::socket.
    asio::any_io_executor connection_strand = asio::make_strand(s->executor);
    auto [ec, socket] =
        co_await s->acceptor.async_accept(connection_strand, asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !s->acceptor.is_open()) co_return;
      zerofs::log::warn("nfs3: accept: {}", ec.message());
      // Out of descriptors and the like: give the process a moment rather than spin.
      asio::steady_timer pause(s->strand, std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    s->start_connection(std::move(socket));
  }
}

Task<void> shutdown_all(std::shared_ptr<RpcServer::State> s, std::chrono::milliseconds deadline) {
  const auto until = Connection::Clock::now() + deadline;
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(s->mutex);
    s->stopping = true;
    for (auto& [raw, weak] : s->connections) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
  }
  boost::system::error_code ignored;
  s->acceptor.close(ignored);
  for (auto& c : live) c->stop(until);
  live.clear();
  while (true) {
    {
      std::lock_guard lock(s->mutex);
      if (s->connections.empty()) co_return;
    }
    co_await s->all_closed.wait();
  }
}

}  // namespace

void RpcServer::State::start_connection(tcp::socket socket) {
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  const PeerAddress peer = peer_of(socket);
  detail::ConnectionLimits limits;
  limits.max_record_size = options.max_record_size;
  limits.max_in_flight = std::max<std::size_t>(1, options.max_in_flight_per_connection);
  limits.read_buffer_size = std::max<std::size_t>(4096, options.read_buffer_size);
  limits.drain_timeout = options.drain_timeout;
  auto connection =
      std::make_shared<Connection>(std::move(socket), dispatcher, counters, limits, peer);
  {
    std::lock_guard lock(mutex);
    if (stopping) return;  // the socket closes with the connection object
    connections.emplace(connection.get(), connection);
  }
  accepted.fetch_add(1, std::memory_order_relaxed);
  zerofs::log::debug("nfs3: connection from {}:{}", peer.host(), peer.port);
  Connection* raw = connection.get();
  asio::co_spawn(connection->executor(), connection->run(),
                 [self = shared_from_this(), raw, keep = connection](std::exception_ptr e) {
                   if (e) {
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       zerofs::log::error("nfs3: connection failed: {}", ex.what());
                     }
                   }
                   self->on_closed(raw);
                 });
}

void RpcServer::State::on_closed(Connection* connection) {
  std::lock_guard lock(mutex);
  connections.erase(connection);
  if (stopping && connections.empty()) {
    asio::post(strand, [self = shared_from_this()] { self->all_closed.notify(); });
  }
}

RpcServer::RpcServer(std::shared_ptr<State> state) : state_(std::move(state)) {}

RpcServer::~RpcServer() {
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
}

zerofs::Result<std::unique_ptr<RpcServer>> RpcServer::listen(asio::any_io_executor executor,
                                                             ServerOptions options,
                                                             Nfs3Handlers& nfs,
                                                             MountHandlers& mount) {
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(options.address, ec);
  if (ec) {
    return zerofs::fail(Errc::invalid_argument, "nfs3: '{}' is not a numeric IPv4/IPv6 address",
                        options.address);
  }
  auto state = std::make_shared<State>(executor, std::move(options));
  const tcp::endpoint endpoint(address, state->options.port);
  tcp::acceptor& acceptor = state->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    const Errc code = ec == asio::error::address_in_use ? Errc::busy : Errc::permanent;
    return zerofs::fail(code, "nfs3: cannot listen on [{}]:{}: {}", address.to_string(),
                        endpoint.port(), ec.message());
  }
  Dispatcher::Options dispatch;
  dispatch.read_only = state->options.read_only;
  dispatch.port = acceptor.local_endpoint().port();
  dispatch.max_fragment = state->options.max_fragment_size;
  dispatch.drc_wait = state->options.drc_wait;
  state->dispatcher = std::make_shared<Dispatcher>(
      nfs, mount, state->options.duplicate_request_cache ? &state->drc : nullptr, dispatch);
  zerofs::log::debug("nfs3: listening on [{}]:{}", address.to_string(), dispatch.port);
  return std::unique_ptr<RpcServer>(new RpcServer(std::move(state)));
}

std::uint16_t RpcServer::port() const noexcept {
  boost::system::error_code ec;
  const tcp::endpoint ep = state_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

Task<void> RpcServer::run() {
  co_await asio::co_spawn(state_->strand, accept_loop(state_), asio::use_awaitable);
}

Task<void> RpcServer::shutdown(std::chrono::milliseconds deadline) {
  co_await asio::co_spawn(state_->strand, shutdown_all(state_, deadline), asio::use_awaitable);
}

RpcServer::Stats RpcServer::stats() const {
  Stats s;
  s.connections_accepted = state_->accepted.load(std::memory_order_relaxed);
  s.records = state_->counters->records.load(std::memory_order_relaxed);
  s.oversized_records = state_->counters->oversized.load(std::memory_order_relaxed);
  std::lock_guard lock(state_->mutex);
  s.connections_open = state_->connections.size();
  return s;
}

DuplicateRequestCache::Stats RpcServer::drc_stats() const { return state_->drc.stats(); }

}  // namespace nfs3
