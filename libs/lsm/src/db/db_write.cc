// DbImpl write path: sequence assignment, WAL buffer + memtable, backpressure, durability.
#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cmath>

#include "db/db_impl.h"

namespace lsm {

using zerofs::Errc;

std::uint64_t DbImpl::unflushed_bytes_locked() const {
  std::uint64_t n = mem_->approximate_memory_usage();
  for (const auto& f : imm_) n += f.mem->approximate_memory_usage();
  return n;
}

void DbImpl::freeze_locked() {
  if (mem_->empty()) return;
  const std::uint64_t wal_id = wal_ ? wal_->cut() : 0;
  imm_.push_back({mem_, wal_id, last_seq_});
  auto set = std::make_shared<MemSet>();
  set->reserve(imm_.size());
  for (auto it = imm_.rbegin(); it != imm_.rend(); ++it) set->push_back(it->mem);
  imm_set_ = std::move(set);
  mem_ = MemTable::create();
  flush_signal_.notify();
}

// Backpressure: as L0 tables pile up (compaction behind) or unflushed memtables grow (flushes
// behind), writes are paced: each one costs a delay growing smoothly from zero at half the
// limit to 10 ms at the limit and beyond, charged to a shared schedule (pace_) rather than
// slept one by one. A writer sleeps only once the schedule runs more than 1 ms ahead of the
// clock, so the write rate bends down to 1/delay whatever the number of writers, and a loaded
// machine's timer wake-up cost (often milliseconds) is not paid per write.
Task<void> DbImpl::slow_down_if_needed() {
  using Clock = std::chrono::steady_clock;
  Clock::time_point wake;
  std::chrono::microseconds delay;
  {
    std::lock_guard lock(mutex_);
    const double l0 = static_cast<double>(version_->l0_depth + imm_.size());
    const double l0_limit = static_cast<double>(std::max<std::size_t>(options_.l0_max_ssts, 2));
    const double mem = static_cast<double>(unflushed_bytes_locked());
    const double mem_limit =
        static_cast<double>(std::max<std::uint64_t>(options_.max_unflushed_bytes, 1));
    const double pressure = std::max(l0 / l0_limit, mem / mem_limit);
    if (pressure < 0.5) co_return;
    // 0.5 -> 1 µs ... 1.0 -> 10 ms, exponential in between; capped at 10 ms past the limit.
    const double t = std::min(1.0, (pressure - 0.5) * 2);
    delay = std::chrono::microseconds(static_cast<std::int64_t>(std::pow(10.0, 4 * t)));
    const auto now = Clock::now();
    pace_ = std::max(pace_, now) + delay;
    wake = pace_;
    if (wake - now <= std::chrono::milliseconds(1)) wake = {};
  }
  stalls_.fetch_add(1, std::memory_order_relaxed);
  stall_micros_.fetch_add(static_cast<std::uint64_t>(delay.count()), std::memory_order_relaxed);
  if (wake == Clock::time_point{}) co_return;
  zerofs::asio::steady_timer timer(executor_, wake);
  co_await timer.async_wait(zerofs::asio::as_tuple(zerofs::asio::use_awaitable));
}

Task<Result<SequenceNumber>> DbImpl::write(WriteBatch batch, WriteOptions options) {
  if (role_ != DbRole::writer) {
    co_return zerofs::fail(Errc::read_only, "the database is open read-only");
  }
  if (batch.empty()) co_return visible_seq_.load();
  // The WAL learns of a fence first (its create-if-absent PUT fails); from that moment no write
  // may be accepted, even before the Db has heard of it.
  if (wal_ && wal_->durable().is_fatal()) {
    if (auto error = wal_->durable().fatal()) set_fatal(*error);
  }
  co_await slow_down_if_needed();
  SequenceNumber last;
  bool yield = false;
  {
    std::lock_guard lock(mutex_);
    if (fatal_) co_return std::unexpected(*fatal_);
    const SequenceNumber first = last_seq_ + 1;
    last = last_seq_ + batch.count();
    if (last > kMaxSequence) co_return zerofs::fail(Errc::no_space, "sequence numbers exhausted");
    batch.set_sequence(first);
    yield = wal_ && wal_->append(batch);
    ZF_CO_CHECK(mem_->add_batch(batch));
    last_seq_ = last;
    // Readers pick the visible sequence up after the whole batch is in: batches are atomic.
    visible_seq_.store(last, std::memory_order_release);
    if (mem_->approximate_memory_usage() >= options_.memtable_size) {
      freeze_locked();
      yield = true;
    }
    yield = yield || ++writes_since_yield_ % kWritesPerYield == 0;
  }
  writes_.fetch_add(1, std::memory_order_relaxed);
  write_bytes_.fetch_add(batch.byte_size(), std::memory_order_relaxed);
  // A caller that never suspends (a loop of puts) would otherwise starve the WAL upload, the
  // flush interval timer and memtable flushes that share this executor.
  if (yield) co_await zerofs::asio::post(executor_, zerofs::asio::use_awaitable);
  if (options.await_durable) ZF_CO_CHECK(co_await await_durable(last));
  co_return last;
}

Task<Result<void>> DbImpl::await_durable(SequenceNumber seq) {
  if (role_ != DbRole::writer) co_return Result<void>{};
  if (auto f = fatal()) co_return std::unexpected(*f);
  if (wal_) {
    if (wal_->durable().value() >= seq) co_return Result<void>{};
    wal_->request_flush();
    co_return co_await wal_->durable().wait_for(seq);
  }
  // Without a WAL, durability means the memtable reached L0.
  if (flushed_.value() >= seq) co_return Result<void>{};
  {
    std::lock_guard lock(mutex_);
    if (!mem_->empty() && seq > (imm_.empty() ? flushed_.value() : imm_.back().last_seq)) {
      freeze_locked();
    }
  }
  co_return co_await flushed_.wait_for(seq);
}

Task<Result<void>> DbImpl::flush() { co_return co_await await_durable(visible_seq_.load()); }

Task<Result<void>> DbImpl::flush_memtable() {
  if (role_ != DbRole::writer) co_return Result<void>{};
  SequenceNumber target;
  {
    std::lock_guard lock(mutex_);
    if (fatal_) co_return std::unexpected(*fatal_);
    target = last_seq_;
    freeze_locked();
  }
  co_return co_await flushed_.wait_for(target);
}

}  // namespace lsm
