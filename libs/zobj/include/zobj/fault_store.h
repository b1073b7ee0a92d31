// FaultStore: a test wrapper that injects the failures a remote object store produces.
//
//  - transient errors before the request reaches the wrapped store (`error_rate`);
//  - "stored but reported failed": the wrapped store performs the operation, then the
//    caller gets Errc::transient (`stored_but_failed_rate`);
//  - latency: a fixed delay plus uniform jitter before each operation, per operation kind
//    (e.g. 20 ms GET, 50 ms PUT), waited with asio::steady_timer on the caller's executor;
//  - short list pages: a page cut to a random non-empty prefix of itself, with a correct
//    next_start_after (`short_list_rate`);
//  - scripted faults: fail_next(op, n, kind) makes the next n operations of a kind fail;
//  - halt(): simulates the death of the process using the store. Afterwards every operation
//    fails at once with Errc::permanent without touching the wrapped store; operations
//    already in flight may still reach it (their effect may or may not be stored) but also
//    report Errc::permanent, so nothing is acknowledged after the halt.
// Only transient errors are injected (plus permanent after halt()).
//
// Random decisions come from one std::mt19937_64 seeded from FaultOptions::seed, drawing a
// fixed number of values per operation, so a single-threaded run is reproducible.
// Thread safety: as ObjectStore; options, script and counters are guarded by one mutex.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>

#include "zobj/object_store.h"

namespace zobj {

struct OpFaults {
  double error_rate = 0;              // transient error without calling the wrapped store
  double stored_but_failed_rate = 0;  // call the wrapped store, then report transient
  std::chrono::microseconds latency{0};
  std::chrono::microseconds jitter{0};  // extra uniform [0, jitter] latency
};

struct FaultOptions {
  std::uint64_t seed = 1;
  std::array<OpFaults, kStoreOpCount> ops{};  // indexed by StoreOp
  double short_list_rate = 0;

  OpFaults& op(StoreOp op) { return ops[static_cast<std::size_t>(op)]; }
  const OpFaults& op(StoreOp op) const { return ops[static_cast<std::size_t>(op)]; }
  // The same faults for every operation.
  static FaultOptions uniform(const OpFaults& faults, std::uint64_t seed = 1);
};

enum class FaultKind {
  error,              // transient, the wrapped store is not called
  stored_but_failed,  // the wrapped store is called, then transient is reported
};

struct FaultCounters {
  std::array<std::uint64_t, kStoreOpCount> calls{};  // operations received, by StoreOp
  std::uint64_t injected_errors = 0;
  std::uint64_t stored_but_failed = 0;
  std::uint64_t short_lists = 0;
  std::uint64_t halted = 0;  // operations failed because of halt()

  std::uint64_t calls_of(StoreOp op) const { return calls[static_cast<std::size_t>(op)]; }
};

class FaultStore final : public ObjectStore {
 public:
  explicit FaultStore(std::shared_ptr<ObjectStore> inner, FaultOptions options = {});

  Task<Result<GetResult>> get(std::string key, std::optional<ByteRange> range) override;
  Task<Result<ObjectMeta>> head(std::string key) override;
  Task<Result<ObjectMeta>> put(std::string key, ByteView data, PutOptions options) override;
  Task<Result<void>> del(std::string key) override;
  Task<Result<ListPage>> list(std::string prefix, std::string start_after,
                              std::size_t max_keys) override;
  std::string describe() const override;

  // Replaces the fault settings (the random sequence continues; the seed is not reapplied).
  void set_options(const FaultOptions& options);
  // The next `count` operations of kind `op` fail with `kind`, ahead of the random faults.
  void fail_next(StoreOp op, std::size_t count, FaultKind kind = FaultKind::error);
  void halt() noexcept;
  bool halted() const noexcept { return halted_.load(); }
  FaultCounters counters() const;

  const std::shared_ptr<ObjectStore>& inner() const noexcept { return inner_; }

 private:
  struct Plan {
    std::chrono::microseconds delay{0};
    bool fail_before = false;
    bool fail_after = false;
    double cut = -1;  // list: keep this fraction of the page, when in [0, 1)
  };

  // Draws the faults of one operation and counts it.
  Plan plan(StoreOp op);
  // Runs `call` against the wrapped store under `plan`.
  template <typename T, typename Call>
  Task<Result<T>> run(StoreOp op, Call call);
  Error halted_error(StoreOp op);

  const std::shared_ptr<ObjectStore> inner_;  // constant after construction
  std::atomic<bool> halted_{false};

  mutable std::mutex mutex_;
  FaultOptions options_;                                  // guarded by mutex_
  std::mt19937_64 rng_;                                   // guarded by mutex_
  std::array<std::size_t, kStoreOpCount> scripted_{};     // guarded by mutex_
  std::array<FaultKind, kStoreOpCount> scripted_kind_{};  // guarded by mutex_
  FaultCounters counters_;                                // guarded by mutex_
};

}  // namespace zobj
