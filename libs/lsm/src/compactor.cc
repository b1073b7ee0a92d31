#include "lsm/compactor.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <utility>

#include "base/log.h"
#include "compaction/compaction_round.h"
#include "compaction/done_event.h"
#include "gc/garbage_collector.h"
#include "manifest/manifest_store.h"

namespace lsm {

using zerofs::Errc;
using zerofs::fail;
namespace asio = zerofs::asio;

// The state behind Compactor (compactor.h has the contract).
class CompactorImpl {
 public:
  CompactorImpl(asio::any_io_executor executor, OpenParams params)
      : params_(std::move(params)),
        cpu_pool_(std::max<std::size_t>(1, params_.options.cpu_threads)),
        manifests_(params_.store, params_.prefix, *params_.transformer),
        gc_(GcParams{params_.store, params_.wal_store, params_.prefix, &manifests_}),
        stop_(std::move(executor)) {}

  ~CompactorImpl() { cpu_pool_.join(); }

  zerofs::Task<Result<void>> open() {
    ZF_CO_TRY(const auto latest, co_await manifests_.load_latest());
    if (!latest) {
      co_return fail(Errc::not_found, "no database under '{}': nothing to compact", params_.prefix);
    }
    // GC deletes WAL objects: with the wrong WAL store it would leave the real ones behind.
    ZF_CO_CHECK(check_wal_store_choice(latest->state, params_.wal_store != nullptr));
    // Bumped from whatever state the commit lands on, so two compactors opening at once
    // end up with different epochs (the later commit wins).
    ZF_CO_TRY(const StoredManifest taken, co_await manifests_.update([](ManifestState& s) {
      s.compactor_epoch += 1;
      return Result<bool>(true);
    }));
    epoch_ = taken.state.compactor_epoch;
    zerofs::log::info("compactor: took over compactor epoch {} at manifest {}", epoch_, taken.id);
    co_return Result<void>{};
  }

  zerofs::Task<Result<bool>> run_once() {
    const auto known = manifests_.latest_known();
    ZF_CO_TRY(const StoredManifest base, co_await manifests_.refresh(*known));
    CompactionRoundParams round_params;
    round_params.manifests = &manifests_;
    round_params.job.store = params_.store;
    round_params.job.prefix = params_.prefix;
    round_params.job.transformer = params_.transformer;
    round_params.job.options = params_.options;
    round_params.job.cpu_executor = cpu_pool_.get_executor();
    round_params.planner = CompactionPlannerOptions::from(params_.options);
    round_params.compactor_epoch = epoch_;
    ZF_CO_TRY(const CompactionRound round,
              co_await run_compaction_round(std::move(round_params), base));
    if (!round.compacted) co_return false;
    compactions_.fetch_add(1);
    bytes_in_.fetch_add(round.output.bytes_in);
    bytes_out_.fetch_add(round.output.bytes_out);
    co_return true;
  }

  zerofs::Task<Result<std::size_t>> collect_garbage() {
    GcOptions options;
    options.min_age =
        std::chrono::duration_cast<std::chrono::milliseconds>(params_.options.gc_min_age);
    ZF_CO_TRY(const GcCounts counts, co_await gc_.collect(options));
    gc_passes_.fetch_add(1);
    gc_deleted_.fetch_add(counts.objects());
    co_return counts.objects();
  }

  zerofs::Task<Result<void>> run() {
    using Clock = std::chrono::steady_clock;
    auto next_gc = Clock::now();
    while (!stop_.is_set()) {
      // Between compactions, so no output of ours is ever stored but uncommitted meanwhile.
      if (Clock::now() >= next_gc) {
        if (auto gc = co_await collect_garbage(); !gc) {
          zerofs::log::warn("compactor: garbage collection: {}", gc.error().to_string());
        }
        next_gc = Clock::now() + params_.options.gc_interval;
      }
      auto compacted = co_await run_once();
      if (!compacted && compacted.error().code() == Errc::fenced) {
        co_return fail(compacted.error());
      }
      if (!compacted) zerofs::log::warn("compactor: {}", compacted.error().to_string());
      if (compacted && *compacted) continue;  // more work may be waiting
      co_await wait(params_.options.manifest_poll_interval);
    }
    co_return Result<void>{};
  }

  void stop() { stop_.set(); }

  CompactorStats stats() const {
    CompactorStats s;
    s.epoch = epoch_;
    s.compactions = compactions_.load();
    s.bytes_in = bytes_in_.load();
    s.bytes_out = bytes_out_.load();
    s.gc_passes = gc_passes_.load();
    s.gc_objects_deleted = gc_deleted_.load();
    return s;
  }

 private:
  // Returns after `interval`, or at once when stop() is called.
  zerofs::Task<void> wait(std::chrono::milliseconds interval) {
    using namespace boost::asio::experimental::awaitable_operators;
    asio::steady_timer timer(co_await asio::this_coro::executor, interval);
    co_await (stop_.wait() || timer.async_wait(asio::as_tuple(asio::use_awaitable)));
  }

  // Constant after open().
  const OpenParams params_;
  boost::asio::thread_pool cpu_pool_;
  ManifestStore manifests_;
  GarbageCollector gc_;
  std::uint64_t epoch_ = 0;

  DoneEvent stop_;
  std::atomic<std::uint64_t> compactions_{0}, bytes_in_{0}, bytes_out_{0};
  std::atomic<std::uint64_t> gc_passes_{0}, gc_deleted_{0};
};

zerofs::Task<Result<std::unique_ptr<Compactor>>> Compactor::open_boxed(
    std::unique_ptr<OpenParams> params) {
  if (!params->store || !params->transformer) {
    co_return fail(Errc::invalid_argument, "compactor: a store and a transformer are required");
  }
  auto impl =
      std::make_unique<CompactorImpl>(co_await asio::this_coro::executor, std::move(*params));
  ZF_CO_CHECK(co_await impl->open());
  co_return std::unique_ptr<Compactor>(new Compactor(std::move(impl)));
}

// Not a coroutine: the aggregate OpenParams is boxed before it reaches one (base/async.h).
zerofs::Task<Result<std::unique_ptr<Compactor>>> Compactor::open(OpenParams params) {
  return open_boxed(std::make_unique<OpenParams>(std::move(params)));
}

Compactor::Compactor(std::unique_ptr<CompactorImpl> impl) : impl_(std::move(impl)) {}
Compactor::~Compactor() = default;

zerofs::Task<Result<bool>> Compactor::run_once() { return impl_->run_once(); }
zerofs::Task<Result<std::size_t>> Compactor::collect_garbage() { return impl_->collect_garbage(); }
zerofs::Task<Result<void>> Compactor::run() { return impl_->run(); }
void Compactor::stop() { impl_->stop(); }
CompactorStats Compactor::stats() const { return impl_->stats(); }

}  // namespace lsm
