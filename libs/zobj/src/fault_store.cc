#include "zobj/fault_store.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>

namespace zobj {

namespace asio = zerofs::asio;

FaultOptions FaultOptions::uniform(const OpFaults& faults, std::uint64_t seed) {
  FaultOptions options;
  options.seed = seed;
  options.ops.fill(faults);
  return options;
}

FaultStore::FaultStore(std::shared_ptr<ObjectStore> inner, FaultOptions options)
    : inner_(std::move(inner)), options_(options), rng_(options.seed) {}

void FaultStore::set_options(const FaultOptions& options) {
  std::lock_guard lock(mutex_);
  options_ = options;
}

void FaultStore::fail_next(StoreOp op, std::size_t count, FaultKind kind) {
  std::lock_guard lock(mutex_);
  scripted_[static_cast<std::size_t>(op)] = count;
  scripted_kind_[static_cast<std::size_t>(op)] = kind;
}

void FaultStore::halt() noexcept { halted_.store(true); }

FaultCounters FaultStore::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

FaultStore::Plan FaultStore::plan(StoreOp op) {
  const auto index = static_cast<std::size_t>(op);
  std::lock_guard lock(mutex_);
  ++counters_.calls[index];
  const OpFaults& faults = options_.ops[index];
  // Always four draws per operation, so settings do not shift the sequence.
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double error_draw = unit(rng_);
  const double stored_draw = unit(rng_);
  const double jitter_draw = unit(rng_);
  const double cut_draw = unit(rng_);

  Plan plan;
  plan.delay = faults.latency + std::chrono::microseconds(static_cast<std::int64_t>(
                                    jitter_draw * static_cast<double>(faults.jitter.count())));
  if (scripted_[index] > 0) {
    --scripted_[index];
    (scripted_kind_[index] == FaultKind::error ? plan.fail_before : plan.fail_after) = true;
  } else {
    plan.fail_before = error_draw < faults.error_rate;
    plan.fail_after = !plan.fail_before && stored_draw < faults.stored_but_failed_rate;
  }
  if (op == StoreOp::list && cut_draw < options_.short_list_rate) {
    plan.cut = cut_draw / options_.short_list_rate;  // uniform in [0, 1)
  }
  return plan;
}

Error FaultStore::halted_error(StoreOp op) {
  std::lock_guard lock(mutex_);
  ++counters_.halted;
  return Error::make(Errc::permanent, "{} {}: store halted (simulated process death)", describe(),
                     store_op_name(op));
}

template <typename T, typename Call>
Task<Result<T>> FaultStore::run(StoreOp op, Call call) {
  if (halted_.load()) co_return std::unexpected(halted_error(op));
  const Plan plan = this->plan(op);
  if (plan.delay.count() > 0) {
    asio::steady_timer timer(co_await asio::this_coro::executor, plan.delay);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (halted_.load()) co_return std::unexpected(halted_error(op));
  }
  if (plan.fail_before) {
    {
      std::lock_guard lock(mutex_);
      ++counters_.injected_errors;
    }
    co_return zerofs::fail(Errc::transient, "injected transient fault ({})", store_op_name(op));
  }
  Result<T> result = co_await call();
  if (halted_.load()) co_return std::unexpected(halted_error(op));
  if (plan.fail_after && result) {
    {
      std::lock_guard lock(mutex_);
      ++counters_.stored_but_failed;
    }
    co_return zerofs::fail(Errc::transient, "injected fault after the {} was performed",
                           store_op_name(op));
  }
  if constexpr (std::is_same_v<T, ListPage>) {
    if (result && plan.cut >= 0 && result->objects.size() >= 2) {
      const std::size_t n = result->objects.size();
      const std::size_t keep =
          1 + std::min(n - 2, static_cast<std::size_t>(plan.cut * static_cast<double>(n - 1)));
      result->objects.resize(keep);
      result->next_start_after = result->objects.back().key;
      std::lock_guard lock(mutex_);
      ++counters_.short_lists;
    }
  }
  co_return result;
}

Task<Result<GetResult>> FaultStore::get(std::string key, std::optional<ByteRange> range) {
  co_return co_await run<GetResult>(StoreOp::get, [&] { return inner_->get(key, range); });
}

Task<Result<ObjectMeta>> FaultStore::head(std::string key) {
  co_return co_await run<ObjectMeta>(StoreOp::head, [&] { return inner_->head(key); });
}

Task<Result<ObjectMeta>> FaultStore::put(std::string key, ByteView data, PutOptions options) {
  co_return co_await run<ObjectMeta>(StoreOp::put, [&] { return inner_->put(key, data, options); });
}

Task<Result<void>> FaultStore::del(std::string key) {
  co_return co_await run<void>(StoreOp::del, [&] { return inner_->del(key); });
}

Task<Result<ListPage>> FaultStore::list(std::string prefix, std::string start_after,
                                        std::size_t max_keys) {
  co_return co_await run<ListPage>(StoreOp::list,
                                   [&] { return inner_->list(prefix, start_after, max_keys); });
}

std::string FaultStore::describe() const { return "fault(" + inner_->describe() + ")"; }

}  // namespace zobj
