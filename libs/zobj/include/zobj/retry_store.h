// RetryStore: retries Errc::transient failures of the store it wraps, with exponential
// backoff and full jitter (delay before retry n is uniform in [0, min(max_delay,
// initial_delay * 2^n)]), until `max_total` has passed since the operation started; then it
// returns the last transient error. No other error is retried. When the error carries a
// server's Retry-After (Error::retry_after_ms), the delay is at least that long.
//
// Conditional puts and ambiguous failures: a transient error may hide a write that was
// stored ("stored but reported failed"). The put-id is fixed before the first attempt (one is
// generated if PutOptions::put_id is empty) and reused by every attempt. When an attempt
// after a transient failure fails with already_exists (create_if_absent) or
// precondition_failed (if_match), RetryStore HEADs the key: if the stored put-id is ours, the
// earlier attempt succeeded and the put returns that metadata; otherwise the conflict is
// real and its error is returned. A conflict on the first attempt is returned as is.
// Caveat: if our write landed and another writer replaced it before the HEAD, the put
// reports the conflict although our bytes were briefly stored; callers that CAS (if_match)
// re-read and retry their logical update anyway.
//
// Delays use asio::steady_timer on the awaiting coroutine's executor; nothing blocks.
// Thread safety: as ObjectStore; the wrapped store must be thread-safe too.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "zobj/object_store.h"

namespace zobj {

// Durations accept any std::chrono unit (e.g. std::chrono::milliseconds(50)).
struct RetryOptions {
  std::chrono::nanoseconds initial_delay = std::chrono::milliseconds(50);
  std::chrono::nanoseconds max_delay = std::chrono::seconds(5);
  // Retrying stops once this much time has passed since the operation's first attempt.
  std::chrono::nanoseconds max_total = std::chrono::minutes(5);
};

// Totals since construction.
struct RetryStats {
  std::uint64_t retries = 0;             // attempts after the first
  std::uint64_t gave_up = 0;             // operations that ran out of time
  std::uint64_t resolved_by_put_id = 0;  // conflicts recognised as our own earlier success
};

class RetryStore final : public ObjectStore {
 public:
  explicit RetryStore(std::shared_ptr<ObjectStore> inner, RetryOptions options = {});

  Task<Result<GetResult>> get(std::string key, std::optional<ByteRange> range) override;
  Task<Result<ObjectMeta>> head(std::string key) override;
  Task<Result<ObjectMeta>> put(std::string key, ByteView data, PutOptions options) override;
  Task<Result<void>> del(std::string key) override;
  Task<Result<ListPage>> list(std::string prefix, std::string start_after,
                              std::size_t max_keys) override;
  std::string describe() const override;

  RetryStats stats() const noexcept;
  const std::shared_ptr<ObjectStore>& inner() const noexcept { return inner_; }

 private:
  class Backoff;

  template <typename T, typename Attempt>
  Task<Result<T>> with_retry(Backoff& backoff, Attempt attempt);
  // After a conflicting retried put: success if the stored put-id is ours, else `conflict`.
  Task<Result<ObjectMeta>> resolve_conflict(const std::string& key, const std::string& put_id,
                                            Error conflict, Backoff& backoff);
  Error give_up(Error last, const Backoff& backoff);

  // Constant after construction.
  const std::shared_ptr<ObjectStore> inner_;
  const RetryOptions options_;

  std::atomic<std::uint64_t> retries_{0};
  std::atomic<std::uint64_t> gave_up_{0};
  std::atomic<std::uint64_t> resolved_by_put_id_{0};
};

}  // namespace zobj
