#include "connection.h"

#include <algorithm>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <exception>
#include <vector>

#include "base/log.h"

namespace nfs3::detail {

namespace asio = zerofs::asio;
using tcp = asio::ip::tcp;
using zerofs::Buffer;
using zerofs::ByteView;

namespace {
// Replies gathered into one write: bounds the iovec array, not the bytes.
constexpr std::size_t kMaxRepliesPerWrite = 64;
}  // namespace

Connection::Connection(tcp::socket socket, std::shared_ptr<Dispatcher> dispatcher,
                       std::shared_ptr<ConnectionCounters> counters, ConnectionLimits limits,
                       PeerAddress peer)
    : dispatcher_(std::move(dispatcher)),
      counters_(std::move(counters)),
      limits_(limits),
      peer_(peer),
      socket_(std::move(socket)),
      reader_(limits.max_record_size),
      read_buffer_(limits.read_buffer_size),
      writer_wake_(socket_.get_executor()),
      progress_(socket_.get_executor()) {}

Task<void> Connection::run() {
  asio::co_spawn(socket_.get_executor(), write_loop(shared_from_this()), asio::detached);
  co_await read_loop();
  // Reading is over (end of stream, error, stop()): let started requests finish.
  if (!stopping_) deadline_ = Clock::now() + limits_.drain_timeout;
  while (in_flight_ > 0 && !closed_) {
    const bool notified = co_await progress_.wait_until(deadline_);
    if (!notified && Clock::now() >= deadline_) {
      zerofs::log::warn("nfs3: closing {} with {} requests unanswered", peer_.host(), in_flight_);
      break;
    }
  }
  close();
}

void Connection::stop(Clock::time_point deadline) {
  asio::post(socket_.get_executor(),
             [self = shared_from_this(), deadline] { self->begin_stop(deadline); });
}

void Connection::begin_stop(Clock::time_point deadline) {
  stopping_ = true;
  deadline_ = std::min(deadline_, deadline);
  // Ends a pending read with end-of-stream while replies can still be written.
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_receive, ignored);
  progress_.notify();
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  writer_wake_.notify();
  progress_.notify();
}

Task<void> Connection::read_loop() {
  while (!stopping_ && !closed_) {
    auto [ec, n] =
        co_await socket_.async_read_some(asio::buffer(read_buffer_.data(), read_buffer_.size()),
                                         asio::as_tuple(asio::use_awaitable));
    if (ec || n == 0) {
      if (ec && ec != asio::error::eof && ec != asio::error::operation_aborted) {
        zerofs::log::debug("nfs3: read from {}: {}", peer_.host(), ec.message());
      }
      if (reader_.mid_record()) {
        zerofs::log::debug("nfs3: {} closed inside a record", peer_.host());
      }
      co_return;
    }
    ByteView input(read_buffer_.data(), n);
    while (!input.empty()) {
      const wire::RecordReader::Status status = reader_.next(input);
      if (status == wire::RecordReader::Status::need_more) break;
      if (status == wire::RecordReader::Status::too_large) {
        counters_->oversized.fetch_add(1, std::memory_order_relaxed);
        zerofs::log::warn("nfs3: {} sent a record over {} bytes; closing", peer_.host(),
                          limits_.max_record_size);
        close();
        co_return;
      }
      counters_->records.fetch_add(1, std::memory_order_relaxed);
      Buffer record = reader_.take_record();
      while (in_flight_ >= limits_.max_in_flight && !stopping_ && !closed_) {
        co_await progress_.wait();
      }
      if (stopping_ || closed_) co_return;
      ++in_flight_;
      asio::co_spawn(socket_.get_executor(), serve(shared_from_this(), std::move(record)),
                     asio::detached);
    }
  }
}

// `self` keeps the connection alive while the request runs.
Task<void> Connection::serve([[maybe_unused]] std::shared_ptr<Connection> self, Buffer record) {
  std::optional<Buffer> reply;
  try {
    reply = co_await dispatcher_->process(record.view(), peer_);
  } catch (const std::exception& e) {
    zerofs::log::error("nfs3: request from {} failed: {}", peer_.host(), e.what());
  }
  if (reply && !closed_) {
    replies_.push_back(std::move(*reply));
    writer_wake_.notify();
  } else {
    --in_flight_;
    progress_.notify();
  }
}

Task<void> Connection::write_loop([[maybe_unused]] std::shared_ptr<Connection> self) {
  std::vector<Buffer> batch;
  std::vector<asio::const_buffer> buffers;
  while (true) {
    while (replies_.empty() && !closed_) co_await writer_wake_.wait();
    if (closed_) break;
    batch.clear();
    buffers.clear();
    while (!replies_.empty() && batch.size() < kMaxRepliesPerWrite) {
      batch.push_back(std::move(replies_.front()));
      replies_.pop_front();
      buffers.emplace_back(batch.back().data(), batch.back().size());
    }
    auto [ec, n] =
        co_await asio::async_write(socket_, buffers, asio::as_tuple(asio::use_awaitable));
    in_flight_ -= batch.size();
    progress_.notify();
    if (ec) {
      zerofs::log::debug("nfs3: write to {}: {}", peer_.host(), ec.message());
      close();
      break;
    }
  }
  // Whatever is still queued will never be sent.
  in_flight_ -= replies_.size();
  replies_.clear();
  progress_.notify();
}

}  // namespace nfs3::detail
