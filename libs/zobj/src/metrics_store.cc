#include "zobj/metrics_store.h"

#include <chrono>

namespace zobj {

namespace {
constexpr auto kRelaxed = std::memory_order_relaxed;
}

std::uint64_t StoreSnapshot::total_requests() const {
  std::uint64_t total = 0;
  for (const std::uint64_t n : requests) total += n;
  return total;
}

StoreSnapshot StoreSnapshot::since(const StoreSnapshot& earlier) const {
  StoreSnapshot delta;
  for (std::size_t i = 0; i < kStoreOpCount; ++i) {
    delta.requests[i] = requests[i] - earlier.requests[i];
    delta.errors[i] = errors[i] - earlier.errors[i];
  }
  delta.bytes_in = bytes_in - earlier.bytes_in;
  delta.bytes_out = bytes_out - earlier.bytes_out;
  return delta;
}

MetricsStore::MetricsStore(std::shared_ptr<ObjectStore> inner, std::string name,
                           zerofs::metrics::Registry& registry)
    : inner_(std::move(inner)), name_(std::move(name)) {
  for (const StoreOp op : kAllStoreOps) {
    const zerofs::metrics::Labels labels = {{"store", name_},
                                            {"op", std::string(store_op_name(op))}};
    OpMetrics& m = ops_[static_cast<std::size_t>(op)];
    m.requests = &registry.counter("zerofs_object_store_requests_total",
                                   "Object-store operations started", labels);
    m.errors = &registry.counter("zerofs_object_store_errors_total",
                                 "Object-store operations that failed", labels);
    m.seconds = &registry.histogram("zerofs_object_store_seconds",
                                    "Object-store operation latency in seconds", labels);
  }
  const char* bytes_help = "Object-store payload bytes received (in) and sent (out)";
  bytes_in_ = &registry.counter("zerofs_object_store_bytes_total", bytes_help,
                                {{"store", name_}, {"direction", "in"}});
  bytes_out_ = &registry.counter("zerofs_object_store_bytes_total", bytes_help,
                                 {{"store", name_}, {"direction", "out"}});
}

template <typename T, typename Call>
Task<Result<T>> MetricsStore::measure(StoreOp op, Call call) {
  OpMetrics& m = ops_[static_cast<std::size_t>(op)];
  m.requests->add();
  m.local_requests.fetch_add(1, kRelaxed);
  const auto start = std::chrono::steady_clock::now();
  Result<T> result = co_await call();
  m.seconds->observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (!result) {
    m.errors->add();
    m.local_errors.fetch_add(1, kRelaxed);
  }
  co_return result;
}

Task<Result<GetResult>> MetricsStore::get(std::string key, std::optional<ByteRange> range) {
  Result<GetResult> result =
      co_await measure<GetResult>(StoreOp::get, [&] { return inner_->get(key, range); });
  if (result) {
    bytes_in_->add(result->data.size());
    local_bytes_in_.fetch_add(result->data.size(), kRelaxed);
  }
  co_return result;
}

Task<Result<ObjectMeta>> MetricsStore::head(std::string key) {
  co_return co_await measure<ObjectMeta>(StoreOp::head, [&] { return inner_->head(key); });
}

Task<Result<ObjectMeta>> MetricsStore::put(std::string key, ByteView data, PutOptions options) {
  // Bytes sent count on every attempt, successful or not: they crossed the wire.
  bytes_out_->add(data.size());
  local_bytes_out_.fetch_add(data.size(), kRelaxed);
  co_return co_await measure<ObjectMeta>(StoreOp::put,
                                         [&] { return inner_->put(key, data, options); });
}

Task<Result<void>> MetricsStore::del(std::string key) {
  co_return co_await measure<void>(StoreOp::del, [&] { return inner_->del(key); });
}

Task<Result<ListPage>> MetricsStore::list(std::string prefix, std::string start_after,
                                          std::size_t max_keys) {
  co_return co_await measure<ListPage>(StoreOp::list,
                                       [&] { return inner_->list(prefix, start_after, max_keys); });
}

std::string MetricsStore::describe() const { return "metrics(" + inner_->describe() + ")"; }

StoreSnapshot MetricsStore::snapshot() const noexcept {
  StoreSnapshot s;
  for (std::size_t i = 0; i < kStoreOpCount; ++i) {
    s.requests[i] = ops_[i].local_requests.load(kRelaxed);
    s.errors[i] = ops_[i].local_errors.load(kRelaxed);
  }
  s.bytes_in = local_bytes_in_.load(kRelaxed);
  s.bytes_out = local_bytes_out_.load(kRelaxed);
  return s;
}

}  // namespace zobj
