#include "zobj/retry_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <random>

namespace zobj {

namespace asio = zerofs::asio;
using Clock = std::chrono::steady_clock;

// The retry schedule of one logical operation (shared by a put and the HEAD that resolves
// its conflict, so both spend one time budget).
class RetryStore::Backoff {
 public:
  explicit Backoff(const RetryOptions& options) : options_(options), start_(Clock::now()) {}

  // Sleeps before the next attempt; false, without sleeping, once the budget is spent.
  // A server's Retry-After (`hint_ms`) lengthens the delay, within the budget.
  Task<bool> wait(unsigned hint_ms = 0) {
    const auto elapsed = Clock::now() - start_;
    if (elapsed >= options_.max_total) co_return false;
    const auto ceiling = std::min(
        options_.max_delay, options_.initial_delay * (std::int64_t{1} << std::min(retries_, 20)));
    const auto delay = std::min<std::chrono::nanoseconds>(
        std::max<std::chrono::nanoseconds>(std::chrono::nanoseconds(jitter(ceiling.count())),
                                           std::chrono::milliseconds(hint_ms)),
        options_.max_total - elapsed);
    ++retries_;
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return true;
  }

  int attempts() const noexcept { return retries_ + 1; }
  std::chrono::milliseconds elapsed() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_);
  }

 private:
  static std::int64_t jitter(std::int64_t ceiling) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    if (ceiling <= 0) return 0;
    return std::uniform_int_distribution<std::int64_t>(0, ceiling)(rng);
  }

  const RetryOptions& options_;
  const Clock::time_point start_;
  int retries_ = 0;
};

RetryStore::RetryStore(std::shared_ptr<ObjectStore> inner, RetryOptions options)
    : inner_(std::move(inner)), options_(options) {}

template <typename T, typename Attempt>
Task<Result<T>> RetryStore::with_retry(Backoff& backoff, Attempt attempt) {
  for (;;) {
    Result<T> result = co_await attempt();
    if (result || result.error().code() != Errc::transient) co_return result;
    if (!co_await backoff.wait(result.error().retry_after_ms())) {
      co_return std::unexpected(give_up(result.error(), backoff));
    }
    retries_.fetch_add(1, std::memory_order_relaxed);
  }
}

Error RetryStore::give_up(Error last, const Backoff& backoff) {
  gave_up_.fetch_add(1, std::memory_order_relaxed);
  return last.with_context(fmt::format("gave up after {} attempts in {} ms", backoff.attempts(),
                                       backoff.elapsed().count()));
}

Task<Result<GetResult>> RetryStore::get(std::string key, std::optional<ByteRange> range) {
  Backoff backoff(options_);
  co_return co_await with_retry<GetResult>(backoff, [&] { return inner_->get(key, range); });
}

Task<Result<ObjectMeta>> RetryStore::head(std::string key) {
  Backoff backoff(options_);
  co_return co_await with_retry<ObjectMeta>(backoff, [&] { return inner_->head(key); });
}

Task<Result<void>> RetryStore::del(std::string key) {
  Backoff backoff(options_);
  co_return co_await with_retry<void>(backoff, [&] { return inner_->del(key); });
}

Task<Result<ListPage>> RetryStore::list(std::string prefix, std::string start_after,
                                        std::size_t max_keys) {
  Backoff backoff(options_);
  co_return co_await with_retry<ListPage>(
      backoff, [&] { return inner_->list(prefix, start_after, max_keys); });
}

Task<Result<ObjectMeta>> RetryStore::put(std::string key, ByteView data, PutOptions options) {
  if (options.put_id.empty()) options.put_id = new_put_id();
  Backoff backoff(options_);
  bool retried = false;
  for (;;) {
    Result<ObjectMeta> result = co_await inner_->put(key, data, options);
    if (result) co_return result;
    const Errc code = result.error().code();
    const bool conflict =
        (options.mode == PutMode::create_if_absent && code == Errc::already_exists) ||
        (options.mode == PutMode::if_match && code == Errc::precondition_failed);
    if (conflict && retried) {
      co_return co_await resolve_conflict(key, options.put_id, std::move(result).error(), backoff);
    }
    if (code != Errc::transient) co_return result;
    if (!co_await backoff.wait(result.error().retry_after_ms())) {
      co_return std::unexpected(give_up(result.error(), backoff));
    }
    retries_.fetch_add(1, std::memory_order_relaxed);
    retried = true;
  }
}

Task<Result<ObjectMeta>> RetryStore::resolve_conflict(const std::string& key,
                                                      const std::string& put_id, Error conflict,
                                                      Backoff& backoff) {
  Result<ObjectMeta> stored =
      co_await with_retry<ObjectMeta>(backoff, [&] { return inner_->head(key); });
  if (stored && stored->put_id == put_id) {
    resolved_by_put_id_.fetch_add(1, std::memory_order_relaxed);
    co_return stored;
  }
  if (!stored && stored.error().code() != Errc::not_found) co_return stored;
  co_return std::unexpected(std::move(conflict));
}

std::string RetryStore::describe() const { return "retry(" + inner_->describe() + ")"; }

RetryStats RetryStore::stats() const noexcept {
  return RetryStats{retries_.load(std::memory_order_relaxed),
                    gave_up_.load(std::memory_order_relaxed),
                    resolved_by_put_id_.load(std::memory_order_relaxed)};
}

}  // namespace zobj
