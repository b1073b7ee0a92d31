// One client connection: a reader that frames records and spawns a task per request, and a
// writer that sends replies in completion order. See server.h for the policy.
// Thread safety: everything runs on the socket's strand; stop() may be called from anywhere.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>

#include "async_event.h"
#include "base/async.h"
#include "base/buffer.h"
#include "nfs3/dispatcher.h"
#include "nfs3/wire/record.h"

namespace nfs3::detail {

struct ConnectionLimits {
  std::size_t max_record_size = 0;
  std::size_t max_in_flight = 0;
  std::size_t read_buffer_size = 0;
  std::chrono::milliseconds drain_timeout{0};
};

// Counters shared by all connections of a server.
struct ConnectionCounters {
  std::atomic<std::uint64_t> records{0};
  std::atomic<std::uint64_t> oversized{0};
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Clock = std::chrono::steady_clock;

  // `socket`'s executor must be a strand. The dispatcher and counters are shared with the
  // server and kept alive by the connection.
  Connection(zerofs::asio::ip::tcp::socket socket, std::shared_ptr<Dispatcher> dispatcher,
             std::shared_ptr<ConnectionCounters> counters, ConnectionLimits limits,
             PeerAddress peer);

  zerofs::asio::any_io_executor executor() { return socket_.get_executor(); }

  // Serves the connection until it ends, then closes the socket. Call once, on executor().
  Task<void> run();

  // Stops reading; started requests may finish until `deadline`, then the socket closes.
  void stop(Clock::time_point deadline);

 private:
  Task<void> read_loop();
  Task<void> write_loop(std::shared_ptr<Connection> self);
  Task<void> serve(std::shared_ptr<Connection> self, zerofs::Buffer record);
  void begin_stop(Clock::time_point deadline);
  void close();

  // Constant after construction.
  std::shared_ptr<Dispatcher> dispatcher_;
  std::shared_ptr<ConnectionCounters> counters_;
  const ConnectionLimits limits_;
  const PeerAddress peer_;

  // Touched only on the strand.
  zerofs::asio::ip::tcp::socket socket_;
  wire::RecordReader reader_;
  zerofs::Buffer read_buffer_;
  std::deque<zerofs::Buffer> replies_;  // waiting for the writer
  std::size_t in_flight_ = 0;           // spawned, reply not yet written or dropped
  bool stopping_ = false;
  bool closed_ = false;
  Clock::time_point deadline_ = Clock::time_point::max();
  AsyncEvent writer_wake_;  // replies_ grew, or closed_
  AsyncEvent progress_;     // in_flight_ shrank, or stopping_/closed_
};

}  // namespace nfs3::detail
