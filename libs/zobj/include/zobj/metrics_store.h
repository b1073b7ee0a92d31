// MetricsStore: counts what flows through it, per operation, for /metrics and benchmarks.
//
// In a zerofs::metrics::Registry (the global one unless given), labelled store="<name>" and
// op="get|head|put|del|list":
//   zerofs_object_store_requests_total   operations started
//   zerofs_object_store_errors_total     operations that returned an error (any code)
//   zerofs_object_store_seconds          latency histogram
//   zerofs_object_store_bytes_total      payload bytes, direction="in" (get) or "out" (put)
// Stores with the same name share the registry series; snapshot() counts this instance only,
// so a bench can print "object-store requests per 1M puts".
// Put it *inside* a RetryStore to count every attempt the backend sees (what is billed).
// Thread safety: as ObjectStore; updates are lock-free.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "base/metrics.h"
#include "zobj/object_store.h"

namespace zobj {

struct StoreSnapshot {
  std::array<std::uint64_t, kStoreOpCount> requests{};  // by StoreOp
  std::array<std::uint64_t, kStoreOpCount> errors{};
  std::uint64_t bytes_in = 0;   // payload bytes returned by get
  std::uint64_t bytes_out = 0;  // payload bytes sent by put

  std::uint64_t requests_of(StoreOp op) const { return requests[static_cast<std::size_t>(op)]; }
  std::uint64_t errors_of(StoreOp op) const { return errors[static_cast<std::size_t>(op)]; }
  std::uint64_t total_requests() const;
  // Counts accumulated since `earlier` (a previous snapshot of the same store).
  StoreSnapshot since(const StoreSnapshot& earlier) const;
};

class MetricsStore final : public ObjectStore {
 public:
  MetricsStore(std::shared_ptr<ObjectStore> inner, std::string name,
               zerofs::metrics::Registry& registry = zerofs::metrics::Registry::global());

  Task<Result<GetResult>> get(std::string key, std::optional<ByteRange> range) override;
  Task<Result<ObjectMeta>> head(std::string key) override;
  Task<Result<ObjectMeta>> put(std::string key, ByteView data, PutOptions options) override;
  Task<Result<void>> del(std::string key) override;
  Task<Result<ListPage>> list(std::string prefix, std::string start_after,
                              std::size_t max_keys) override;
  std::string describe() const override;

  StoreSnapshot snapshot() const noexcept;
  const std::string& name() const noexcept { return name_; }
  const std::shared_ptr<ObjectStore>& inner() const noexcept { return inner_; }

 private:
  struct OpMetrics {
    zerofs::metrics::Counter* requests = nullptr;
    zerofs::metrics::Counter* errors = nullptr;
    zerofs::metrics::Histogram* seconds = nullptr;
    std::atomic<std::uint64_t> local_requests{0};
    std::atomic<std::uint64_t> local_errors{0};
  };

  template <typename T, typename Call>
  Task<Result<T>> measure(StoreOp op, Call call);

  // Constant after construction (the metrics themselves are atomics).
  const std::shared_ptr<ObjectStore> inner_;
  const std::string name_;
  std::array<OpMetrics, kStoreOpCount> ops_;
  zerofs::metrics::Counter* bytes_in_ = nullptr;
  zerofs::metrics::Counter* bytes_out_ = nullptr;
  std::atomic<std::uint64_t> local_bytes_in_{0};
  std::atomic<std::uint64_t> local_bytes_out_{0};
};

}  // namespace zobj
