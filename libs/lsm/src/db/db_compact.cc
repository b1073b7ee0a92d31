// DbImpl in-process compaction and garbage collection (Options::compaction_enabled).
#include <boost/asio/steady_timer.hpp>

#include "base/log.h"
#include "compaction/compaction_round.h"
#include "db/db_impl.h"
#include "gc/garbage_collector.h"

namespace lsm {

using zerofs::Errc;

Task<void> DbImpl::lock_maintenance() {
  while (maintenance_running_.exchange(true)) {
    zerofs::asio::steady_timer t(executor_, std::chrono::milliseconds(1));
    co_await t.async_wait(zerofs::asio::as_tuple(zerofs::asio::use_awaitable));
  }
}

Task<Result<bool>> DbImpl::compact_once() {
  auto known = manifests_->latest_known();
  if (!known) co_return false;
  ZF_CO_TRY(StoredManifest base, co_await manifests_->refresh(*known));
  CompactionRoundParams p;
  p.manifests = manifests_.get();
  p.job.store = params_.store;
  p.job.prefix = params_.prefix;
  p.job.transformer = params_.transformer;
  p.job.options = options_;
  p.job.cpu_executor = cpu_pool_->get_executor();
  p.job.block_cache = &data_cache_;
  p.planner = CompactionPlannerOptions::from(options_);
  p.compactor_epoch = compactor_epoch_;
  p.smallest_snapshot = smallest_snapshot();
  co_await lock_maintenance();
  auto round = co_await run_compaction_round(std::move(p), base);
  unlock_maintenance();
  if (!round) co_return std::unexpected(round.error());
  if (!round->compacted) co_return false;
  install_version(round->committed);
  // Moved tables stay open (and their blocks cached): they belong to the output run.
  for (const auto& t : round->plan.l0) {
    if (!is_moved(round->output, t.id)) tables_->evict(t.id);
  }
  for (const auto& run : round->plan.runs) {
    for (const auto& t : run.ssts) {
      if (!is_moved(round->output, t.id)) tables_->evict(t.id);
    }
  }
  compactions_.fetch_add(1, std::memory_order_relaxed);
  compaction_bytes_in_.fetch_add(round->output.bytes_in, std::memory_order_relaxed);
  compaction_bytes_out_.fetch_add(round->output.bytes_out, std::memory_order_relaxed);
  compaction_bytes_moved_.fetch_add(round->output.bytes_moved, std::memory_order_relaxed);
  co_return true;
}

Task<void> DbImpl::compaction_loop() {
  std::chrono::milliseconds backoff{100};
  while (!stopping_.load() && !fatal()) {
    // compact_until_idle() callers up to this number are answered by a round that finds
    // nothing to do (a round that starts after their request).
    const std::uint64_t requests = compaction_requests_.load();
    auto did = co_await compact_once();
    if (did && *did) {
      backoff = std::chrono::milliseconds{100};
      continue;
    }
    if (!did) {
      if (did.error().code() == Errc::fenced) {
        // A separate compactor took over; the writer keeps writing.
        zerofs::log::warn("lsm: in-process compaction stopped: {}", did.error().message());
        compaction_idle_.set_fatal(did.error());
        co_return;
      }
      zerofs::log::warn("lsm: compaction failed, will retry: {}", did.error().to_string());
      zerofs::asio::steady_timer t(executor_, backoff);
      co_await t.async_wait(zerofs::asio::as_tuple(zerofs::asio::use_awaitable));
      backoff = std::min(backoff * 2, std::chrono::milliseconds{10'000});
      continue;
    }
    compaction_idle_.advance(requests);
    if (compaction_requests_.load() == requests) {
      co_await compaction_signal_.wait(std::chrono::seconds(5));
    }
  }
}

Task<Result<void>> DbImpl::compact_until_idle() {
  if (role_ != DbRole::writer || !options_.compaction_enabled) co_return Result<void>{};
  // Idle means: a round started after this call found nothing to do.
  const std::uint64_t request = compaction_requests_.fetch_add(1) + 1;
  compaction_signal_.notify();
  auto r = co_await compaction_idle_.wait_for(request);
  if (!r && r.error().code() == Errc::fenced) co_return Result<void>{};
  co_return r;
}

Task<Result<std::size_t>> DbImpl::gc_pass() {
  GcParams p;
  p.store = params_.store;
  p.wal_store = params_.wal_store;
  p.prefix = params_.prefix;
  p.manifests = manifests_.get();
  GarbageCollector gc(std::move(p));
  GcOptions o;
  o.min_age = options_.gc_min_age;
  o.in_use = [this](const SstId& id) {
    std::lock_guard lock(mutex_);
    return pending_ssts_.count(id) != 0;
  };
  co_await lock_maintenance();
  auto counts = co_await gc.collect(o);
  unlock_maintenance();
  if (!counts) co_return std::unexpected(counts.error());
  gc_deleted_.fetch_add(counts->objects(), std::memory_order_relaxed);
  co_return counts->objects();
}

Task<Result<std::size_t>> DbImpl::collect_garbage() {
  if (role_ != DbRole::writer) {
    co_return zerofs::fail(Errc::read_only, "garbage is collected by the writer or compactor");
  }
  co_return co_await gc_pass();
}

Task<void> DbImpl::gc_loop() {
  while (!stopping_.load() && !fatal()) {
    co_await stop_signal_.wait(options_.gc_interval);
    if (stopping_.load() || fatal()) break;
    auto r = co_await gc_pass();
    if (!r) zerofs::log::warn("lsm: garbage collection failed: {}", r.error().to_string());
  }
}

}  // namespace lsm
