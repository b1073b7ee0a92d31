// RpcServer: NFSv3, MOUNT v3 and the portmapper on one TCP port (ARCHITECTURE §8).
//
// One coroutine per connection reads records and spawns a task per request, so many
// requests of one connection run at once and their replies leave in completion order; one
// writer per connection serialises the replies. When a connection has
// `max_in_flight_per_connection` requests started but not yet answered it stops reading
// (backpressure). A record larger than `max_record_size` closes the connection. Each
// connection runs on its own strand, so the executor may be run by several threads.
//
//   auto server = RpcServer::listen(io.get_executor(), options, nfs, mount);  // binds
//   co_spawn(io, (*server)->run(), detached);
//   ... co_await (*server)->shutdown(5s);
//
// Lifetimes: the handlers must outlive the executor's work (tasks may still be running in
// a handler when shutdown() gives up on them). The RpcServer may be destroyed once
// shutdown() has completed, or before run() was started.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/async.h"
#include "base/result.h"
#include "nfs3/duplicate_request_cache.h"
#include "nfs3/handlers.h"
#include "nfs3/wire/record.h"

namespace nfs3 {

struct ServerOptions {
  // A numeric IPv4 or IPv6 address (no name resolution, so no AI_ADDRCONFIG surprises in
  // network namespaces that only have loopback). "::" also accepts IPv4 where the system
  // allows dual-stack sockets.
  std::string address = "127.0.0.1";
  std::uint16_t port = 2049;  // 0: an ephemeral port (see RpcServer::port())
  bool read_only = false;
  // Must exceed the WRITE size announced in FSINFO (wtmax) plus ~1 KiB of headers.
  std::size_t max_record_size = std::size_t{2} << 20;
  std::size_t max_in_flight_per_connection = 64;
  std::size_t read_buffer_size = std::size_t{64} << 10;
  std::size_t max_fragment_size = wire::kMaxFragmentSize;
  bool duplicate_request_cache = true;
  DuplicateRequestCache::Options drc;
  std::chrono::milliseconds drc_wait{30000};
  // After a client closes its sending side, how long its started requests may take.
  std::chrono::milliseconds drain_timeout{30000};
};

class RpcServer {
 public:
  struct Stats {
    std::uint64_t connections_accepted = 0;
    std::size_t connections_open = 0;
    std::uint64_t records = 0;            // records received
    std::uint64_t oversized_records = 0;  // connections closed for a too-large record
  };

  // Binds and listens; connections are accepted once run() is started.
  // Errors: invalid_argument (not a numeric address), busy (address in use), permanent.
  static zerofs::Result<std::unique_ptr<RpcServer>> listen(zerofs::asio::any_io_executor executor,
                                                           ServerOptions options, Nfs3Handlers& nfs,
                                                           MountHandlers& mount);
  ~RpcServer();
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;

  // The bound port (the ephemeral one when options.port was 0).
  std::uint16_t port() const noexcept;

  // Accepts connections until shutdown(); completes when accepting has stopped.
  Task<void> run();

  // Stops accepting and reading, lets every connection finish the requests it started for at
  // most `deadline`, then closes all connections. Completes when every connection is closed.
  Task<void> shutdown(std::chrono::milliseconds deadline);

  Stats stats() const;
  DuplicateRequestCache::Stats drc_stats() const;

  struct State;

 private:
  explicit RpcServer(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace nfs3
