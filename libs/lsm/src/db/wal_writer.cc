#include "db/wal_writer.h"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>

#include "base/log.h"
#include "wal/wal_object.h"

namespace lsm {

using zerofs::Errc;
using zerofs::Result;
using zerofs::Task;

WalWriter::WalWriter(zerofs::asio::any_io_executor executor, zerofs::asio::any_io_executor cpu,
                     std::shared_ptr<zobj::ObjectStore> store, std::string prefix,
                     const BlockTransformer& transformer, const Options& options,
                     std::uint64_t next_id, SequenceNumber durable_seq)
    : store_(std::move(store)),
      prefix_(std::move(prefix)),
      transformer_(transformer),
      options_(options),
      io_(executor),
      cpu_(std::move(cpu)),
      signal_(std::move(executor)),
      durable_(durable_seq),
      next_id_(next_id),
      last_assigned_id_(next_id - 1),
      last_appended_seq_(durable_seq) {
  last_stored_id_.store(next_id - 1);
}

bool WalWriter::append(const WriteBatch& batch) {
  bool full = false;
  {
    std::lock_guard lock(mutex_);
    if (current_.empty()) first_append_ = std::chrono::steady_clock::now();
    current_.append(batch);
    last_appended_seq_ = batch.sequence() + batch.count() - 1;
    // Cut at the size right away (sealing starts on the CPU pool), rather than when the loop
    // next runs: under a steady stream the objects keep their size and their seals overlap
    // the upload in progress.
    full = current_.byte_size() >= options_.wal_flush_bytes;
    if (full) seal_locked();
  }
  if (full) signal_.notify();
  return full;
}

std::size_t WalWriter::buffered_bytes() const {
  std::lock_guard lock(mutex_);
  return current_.byte_size();
}

void WalWriter::seal_locked() {
  if (current_.empty()) return;
  auto job = std::make_shared<SealJob>(io_);
  job->buffer = std::move(current_);
  if (spare_.empty()) {
    current_ = WalBuffer();
    current_.reserve(options_.wal_flush_bytes + options_.wal_flush_bytes / 8);
  } else {
    current_ = std::move(spare_.back());
    spare_.pop_back();
  }
  const std::uint64_t id = next_id_++;
  last_assigned_id_ = id;
  sealed_.push_back(Sealed{id, job->buffer.last_sequence(), zobj::new_put_id(), job});
  zerofs::asio::post(cpu_, [job, id, &transformer = transformer_] {
    job->bytes = job->buffer.seal(id, transformer);
    job->buffer.reset();
    job->done.set();
  });
}

std::uint64_t WalWriter::cut() {
  std::uint64_t id;
  {
    std::lock_guard lock(mutex_);
    seal_locked();
    id = last_assigned_id_;
  }
  signal_.notify();
  return id;
}

Task<Result<void>> WalWriter::flush() {
  SequenceNumber target;
  {
    std::lock_guard lock(mutex_);
    target = last_appended_seq_;
  }
  if (durable_.value() >= target) {
    if (auto f = durable_.fatal()) co_return std::unexpected(*f);
    co_return Result<void>{};
  }
  signal_.notify();
  co_return co_await durable_.wait_for(target);
}

void WalWriter::stop() {
  stopping_.store(true);
  signal_.notify();
}

Task<Result<void>> WalWriter::put_object(Sealed& sealed) {
  co_await sealed.job->done.wait();
  if (!sealed.job->bytes) co_return std::unexpected(sealed.job->bytes.error());
  const zerofs::ByteView bytes = sealed.job->bytes->view();
  const std::size_t size = bytes.size();
  zobj::PutOptions options(zobj::PutMode::create_if_absent, {}, sealed.put_id);
  auto put = co_await store_->put(prefix_ + wal_object_key(sealed.id), bytes, std::move(options));
  if (!put) {
    if (put.error().code() == Errc::already_exists) {
      co_return zerofs::fail(Errc::fenced,
                             "WAL object {} already exists: a newer writer has fenced this one",
                             sealed.id);
    }
    co_return std::unexpected(put.error());
  }
  stats_.objects.fetch_add(1, std::memory_order_relaxed);
  stats_.bytes.fetch_add(size, std::memory_order_relaxed);
  co_return Result<void>{};
}

Task<void> WalWriter::store_sealed() {
  std::chrono::milliseconds backoff{50};
  while (true) {
    Sealed* front = nullptr;
    {
      std::lock_guard lock(mutex_);
      if (sealed_.empty()) co_return;
      front = &sealed_.front();  // only this loop pops, so the element stays put
    }
    auto stored = co_await put_object(*front);
    if (stored) {
      backoff = std::chrono::milliseconds{50};
      const SequenceNumber last = front->last_seq;
      last_stored_id_.store(front->id);
      {
        std::lock_guard lock(mutex_);
        if (spare_.size() < 2) spare_.push_back(std::move(front->job->buffer));
        sealed_.pop_front();
      }
      durable_.advance(last);
      continue;
    }
    if (stored.error().code() == Errc::fenced) {
      zerofs::log::warn("{}", stored.error().message());
      durable_.set_fatal(stored.error());
      co_return;
    }
    stats_.failures.fetch_add(1, std::memory_order_relaxed);
    zerofs::log::warn("WAL object {} not stored, will retry: {}", front->id,
                      stored.error().to_string());
    durable_.fail_waiting(stored.error().with_context("WAL upload failed"));
    if (stopping_.load()) {
      durable_.set_fatal(stored.error().with_context("WAL upload failed at close"));
      co_return;
    }
    zerofs::asio::steady_timer timer(co_await zerofs::asio::this_coro::executor, backoff);
    co_await timer.async_wait(zerofs::asio::as_tuple(zerofs::asio::use_awaitable));
    backoff = std::min(backoff * 2, std::chrono::milliseconds{5000});
  }
}

Task<void> WalWriter::run() {
  while (true) {
    const bool stopping = stopping_.load();
    if (!stopping) {
      std::chrono::steady_clock::duration wait = options_.flush_interval;
      {
        std::lock_guard lock(mutex_);
        if (!current_.empty()) {
          wait = std::max<std::chrono::steady_clock::duration>(
              first_append_ + options_.flush_interval - std::chrono::steady_clock::now(),
              std::chrono::steady_clock::duration::zero());
        }
      }
      co_await signal_.wait(wait);
    }
    {
      std::lock_guard lock(mutex_);
      seal_locked();
    }
    co_await store_sealed();
    if (durable_.fatal()) co_return;
    if (stopping) {
      std::lock_guard lock(mutex_);
      if (current_.empty() && sealed_.empty()) co_return;
    }
  }
}

}  // namespace lsm
